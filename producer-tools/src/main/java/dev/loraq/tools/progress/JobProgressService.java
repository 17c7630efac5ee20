package dev.loraq.tools.progress;

import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.StreamsApplication;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Runs {@link JobProgressTopology} as a Kafka Streams application with exactly_once_v2 (started by
 * {@code loraq progress-service}). Records that cannot be decoded are logged and skipped, so one bad record does not
 * stop everyone's progress.
 */
public final class JobProgressService extends StreamsApplication {


    public JobProgressService(ToolsConfig config) {
        super("job-progress service", config.progressApplicationId(), JobProgressTopology.build(
                LoraqSerdes.jobManifest(config.registryConfig(), false),
                LoraqSerdes.completion(config.registryConfig(), false), LoraqSerdes.jobControl(config.registryConfig(), false),
                config.outputTopicPattern().subscription()), streamsConfig(config));
    }

    /** The settings of the tools' Streams applications; the usage service starts from them with its own application id. */
    public static Properties streamsConfig(ToolsConfig config) {
        Properties props = new Properties();
        // Security settings (kafka.client.*) reach the Streams application's consumer, producer and admin client.
        props.putAll(config.kafkaClientOverrides());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.progressApplicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.progressCommitIntervalMs());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Emit every update: watchers want each completion reflected, not one row per commit interval.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        if (!config.progressStateDir().isEmpty()) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, config.progressStateDir());
        }
        // New tenants' completion topics are found by the pattern subscription on the next metadata refresh.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), (int) config.progressTopicDiscoveryMs());
        return props;
    }
}
