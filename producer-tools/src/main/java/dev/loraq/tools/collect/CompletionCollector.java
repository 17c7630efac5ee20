package dev.loraq.tools.collect;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.AccessDenied;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.kafka.ManifestLookup;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import dev.loraq.tools.submit.PromptOffsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one job's completions from its tenant's topic (read_committed) until as many distinct requests as the
 * manifest announced are in, or until the timeout; then names the missing request ids, read back from the job's
 * prompt records. Every request is written once; further completions of it are reported as duplicates, including
 * those already committed up to the topic's end when the last needed completion arrives (read on to that end).
 */
public final class CompletionCollector {

    private static final Logger LOG = LoggerFactory.getLogger(CompletionCollector.class);
    /** Completions are written after submission; the margin covers clock skew between submitter and engine. */
    private static final long CLOCK_SKEW_MS = 5 * 60_000L;

    private final ToolsConfig config;

    public CompletionCollector(ToolsConfig config) {
        this.config = config;
    }

    /** The job's manifest; a JOB_NOT_FOUND {@link PipelineException} when it does not exist or belongs to another tenant. */
    public JobManifest manifest(String tenantId, String jobId) {
        try (KafkaConsumer<String, JobManifest> consumer = PipelineClients.manifestConsumer(config)) {
            JobManifest manifest = ManifestLookup.find(consumer, jobId, Duration.ofMillis(config.kafkaTimeoutMs()));
            if (manifest == null || !manifest.getTenantId().equals(tenantId)) {
                throw new PipelineException(PipelineException.Kind.JOB_NOT_FOUND, "job '" + jobId + "' of tenant '" + tenantId
                        + "' not found in " + PipelineTopics.JOBS + (manifest == null ? "" : " (that job id belongs to another tenant)"));
            }
            return manifest;
        } catch (SerializationException e) {
            throw registryFailure(e);
        } catch (AuthorizationException | AuthenticationException e) {
            throw AccessDenied.of(e, config.bootstrapServers(), AclOperation.READ, "topic " + PipelineTopics.JOBS);
        }
    }

    public CollectResult collect(JobManifest manifest, Duration timeout, CompletionLines lines, Writer out, Writer errors) {
        String jobId = manifest.getJobId();
        String topic = config.outputTopicPattern().topicFor(manifest.getTenantId());
        long expected = manifest.getRequestCount();
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        long[] counts = new long[2];
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, Completion> consumer = PipelineClients.completionConsumer(config)) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline && expected > 0) {
                partitions = TopicSnapshotReader.partitions(consumer, topic, Duration.ofMillis(config.kafkaTimeoutMs()));
                if (partitions.isEmpty()) {
                    sleep(500);
                }
            }
            if (!partitions.isEmpty()) {
                consumer.assign(partitions);
                seekToSubmission(consumer, partitions, manifest.getSubmittedAt().toEpochMilli() - CLOCK_SKEW_MS);
            }
            while (!partitions.isEmpty() && seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Completion> record : poll(consumer)) {
                    accept(record, jobId, seen, duplicates, counts, lines, out, errors);
                }
            }
            if (!partitions.isEmpty() && seen.size() >= expected) {
                readToCurrentEnd(consumer, partitions, record -> accept(record, jobId, seen, duplicates, counts, lines, out, errors));
            }
        } catch (SerializationException e) {
            throw registryFailure(e);
        } catch (AuthorizationException | AuthenticationException e) {
            // Fails at the first metadata request: an unauthorized topic never looks merely empty or missing.
            throw AccessDenied.of(e, config.bootstrapServers(), AclOperation.READ, "topic " + topic);
        }
        List<String> missing = seen.size() < expected ? missing(manifest, seen) : List.of();
        return new CollectResult(expected, counts[0], counts[1], missing, duplicates);
    }

    /** Writes a completion of the job once; a further completion of the same request is recorded as a duplicate. */
    private static void accept(ConsumerRecord<String, Completion> record, String jobId, Set<String> seen, List<String> duplicates,
                               long[] counts, CompletionLines lines, Writer out, Writer errors) {
        Completion completion = record.value();
        if (completion == null || !jobId.equals(completion.getJobId())) {
            return;
        }
        if (!seen.add(completion.getRequestId())) {
            duplicates.add("request_id " + completion.getRequestId() + " again at " + record.topic() + "-"
                    + record.partition() + "@" + record.offset());
            LOG.warn("duplicate completion jobId={} requestId={} topic={} partition={} offset={}", jobId,
                    completion.getRequestId(), record.topic(), record.partition(), record.offset());
            return;
        }
        boolean ok = completion.getStatus() == CompletionStatus.OK;
        write(ok ? out : errors, ok ? lines.success(completion) : lines.error(completion));
        counts[ok ? 0 : 1]++;
    }

    /**
     * Once every request is in, reads on to the log's end offsets of this moment, so a duplicate already written
     * after the last needed completion is reported too. Not the read_committed end offsets: those are the last stable
     * offsets, which stop before any transaction still open, so a duplicate committed behind another producer's open
     * transaction lay beyond them and was missed. A read_committed reader reaches the log end once the transactions
     * before it are resolved (its position passes their markers, which occupy offsets, and aborted records). Bounded by
     * kafka.timeout.ms (later duplicates are not waited for); a partition not read to its end by then is logged.
     */
    private void readToCurrentEnd(KafkaConsumer<String, Completion> consumer, List<TopicPartition> partitions,
                                  java.util.function.Consumer<ConsumerRecord<String, Completion>> handler) {
        Duration timeout = Duration.ofMillis(config.kafkaTimeoutMs());
        Map<TopicPartition, Long> ends = logEndOffsets(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !reached(consumer, ends, timeout)) {
            for (ConsumerRecord<String, Completion> record : poll(consumer)) {
                handler.accept(record);
            }
        }
        ends.forEach((partition, end) -> {
            long position = consumer.position(partition, timeout);
            if (position < end) {
                LOG.warn("duplicate check incomplete topic={} partition={} position={} logEnd={}: a transaction still open "
                        + "there hides what follows it", partition.topic(), partition.partition(), position, end);
            }
        });
    }

    /** Each partition's log end offset (read_uncommitted: every record written, committed or not, and markers). */
    private Map<TopicPartition, Long> logEndOffsets(List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(config.kafkaTimeoutMs(), TimeUnit.MILLISECONDS).forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "cannot read the end offsets of " + partitions
                    + " from " + config.bootstrapServers() + ": " + e, e);
        }
    }

    private static boolean reached(KafkaConsumer<String, Completion> consumer, Map<TopicPartition, Long> ends, Duration timeout) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), timeout) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Iterable<ConsumerRecord<String, Completion>> poll(KafkaConsumer<String, Completion> consumer) {
        try {
            return consumer.poll(Duration.ofMillis(250));
        } catch (RecordDeserializationException e) {
            // A record that is not a Completion cannot belong to the job; skip it rather than stop collecting.
            LOG.warn("skipping undecodable record topic={} partition={} offset={} error={}", e.topicPartition().topic(),
                    e.topicPartition().partition(), e.offset(), e.getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return List.of();
        }
    }

    private void seekToSubmission(KafkaConsumer<String, Completion> consumer, List<TopicPartition> partitions, long fromMs) {
        // The end offsets first: a partition with nothing that late at the query has nothing of the job below them. A
        // seekToEnd instead resolves the end at the next poll, and skipped completions committed in between.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofMillis(config.kafkaTimeoutMs()));
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, Math.max(0, fromMs)));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofMillis(config.kafkaTimeoutMs()));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            if (at == null) {
                // Nothing that late yet: everything of the job is still to come.
                consumer.seek(partition, ends.get(partition));
            } else {
                consumer.seek(partition, at.offset());
            }
        }
    }

    /** The job's request ids from its prompt records (only the offset ranges the manifest names), less those seen. */
    private List<String> missing(JobManifest manifest, Set<String> seen) {
        Map<Integer, long[]> ranges = PromptOffsets.parse(manifest.getMetadata().get(PromptOffsets.METADATA_KEY));
        TreeSet<String> missing = new TreeSet<>();
        try (KafkaConsumer<String, PromptRequest> consumer = PipelineClients.promptConsumer(config)) {
            Duration timeout = Duration.ofMillis(config.kafkaTimeoutMs());
            List<TopicPartition> partitions = new ArrayList<>();
            Map<TopicPartition, Long> from = new HashMap<>();
            if (ranges.isEmpty()) {
                partitions.addAll(TopicSnapshotReader.partitions(consumer, PipelineTopics.PROMPTS, timeout));
            } else {
                ranges.forEach((partition, range) -> {
                    TopicPartition tp = new TopicPartition(PipelineTopics.PROMPTS, partition);
                    partitions.add(tp);
                    from.put(tp, range[0]);
                });
            }
            TopicSnapshotReader.read(consumer, partitions, from, timeout, record -> {
                PromptRequest request = record.value();
                long[] range = ranges.get(record.partition());
                boolean inRange = range == null || record.offset() <= range[1];
                if (inRange && request != null && manifest.getJobId().equals(request.getJobId()) && !seen.contains(request.getRequestId())) {
                    missing.add(request.getRequestId());
                }
            });
        } catch (AuthorizationException | AuthenticationException e) {
            throw AccessDenied.of(e, config.bootstrapServers(), AclOperation.READ, "topic " + PipelineTopics.PROMPTS);
        }
        return List.copyOf(missing);
    }

    private static void write(Writer writer, String line) {
        try {
            writer.write(line);
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write output: " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "interrupted", e);
        }
    }

    private PipelineException registryFailure(SerializationException e) {
        return new PipelineException(PipelineException.Kind.REGISTRY_UNAVAILABLE, "cannot decode records (schema registry at "
                + config.schemaRegistryUrl() + "): " + e.getMessage(), e);
    }
}
