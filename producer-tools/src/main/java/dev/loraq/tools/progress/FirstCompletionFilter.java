package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.Completion;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes on only the first completion of each (job id, request id) and drops later ones, so a duplicate completion
 * (an exactly-once violation upstream, or a test writing one on purpose) cannot push a job's counts past its total.
 * The seen pairs live in a persistent store (changelogged, so they survive restarts); it grows by one small entry
 * per request, which is the price of de-duplicating duplicates that may arrive long after the first.
 * Expects the stream keyed by job id and partitioned by it. The job-progress and usage services each run one over
 * their own store.
 */
public final class FirstCompletionFilter implements FixedKeyProcessor<String, Completion, Completion> {

    private static final Logger LOG = LoggerFactory.getLogger(FirstCompletionFilter.class);

    private final String storeName;
    private FixedKeyProcessorContext<String, Completion> context;
    private KeyValueStore<String, Long> seen;

    public FirstCompletionFilter(String storeName) {
        this.storeName = storeName;
    }

    /** The store key of a request: job and request ids are ids without NUL characters, so the pair is unambiguous. */
    static String seenKey(String jobId, String requestId) {
        return jobId + '\u0000' + requestId;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Completion> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, Completion> record) {
        Completion completion = record.value();
        String key = seenKey(completion.getJobId(), completion.getRequestId());
        Long first = seen.get(key);
        if (first != null) {
            LOG.warn("duplicate completion ignored store={} jobId={} requestId={} tenantId={} firstCompletedAtMs={}", storeName,
                    completion.getJobId(), completion.getRequestId(), completion.getTenantId(), first);
            return;
        }
        seen.put(key, completion.getCompletedAt().toEpochMilli());
        context.forward(record);
    }
}
