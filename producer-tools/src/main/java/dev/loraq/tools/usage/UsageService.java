package dev.loraq.tools.usage;

import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.StreamsApplication;
import dev.loraq.tools.progress.JobProgressService;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs {@link UsageTopology} as its own Kafka Streams application (exactly_once_v2, application id
 * {@code usage.application.id}), started by {@code loraq usage-service}. Its own application rather than a part of
 * the job-progress one, so each keeps its own offsets, state and transactions: either can be reset or rebuilt from the
 * completion topics without touching the other, and a failure in one does not stop the other.
 */
public final class UsageService extends StreamsApplication {

    /** The record cache folds a commit interval's updates of a row into one record: readers want totals, not each step. */
    private static final long CACHE_BYTES = 10L * 1024 * 1024;

    public UsageService(ToolsConfig config) {
        super("usage service", config.usageApplicationId(), UsageTopology.build(
                LoraqSerdes.completion(config.registryConfig(), false), config.outputTopicPattern().subscription()),
                streamsConfig(config));
    }

    /** The job-progress service's settings (security, exactly_once_v2, state dir, commit interval, discovery), own id. */
    static Properties streamsConfig(ToolsConfig config) {
        Properties props = JobProgressService.streamsConfig(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.usageApplicationId());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, CACHE_BYTES);
        return props;
    }
}
