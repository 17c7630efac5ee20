package dev.loraq.tools.progress;

import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.StreamsStates;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link JobProgressTopology} as a Kafka Streams application with exactly_once_v2 (started by
 * {@code loraq progress-service}). Records that cannot be decoded are logged and skipped, so one bad record does not
 * stop everyone's progress.
 */
public final class JobProgressService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobProgressService.class);

    private final KafkaStreams streams;
    private final String applicationId;

    public JobProgressService(ToolsConfig config) {
        this.applicationId = config.progressApplicationId();
        this.streams = new KafkaStreams(JobProgressTopology.build(
                LoraqSerdes.jobManifest(config.registryConfig(), false),
                LoraqSerdes.completion(config.registryConfig(), false), LoraqSerdes.jobControl(config.registryConfig(), false),
                config.outputTopicPattern().subscription()),
                streamsConfig(config));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("job-progress stream thread failed; shutting the client down", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
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

    public void start() {
        streams.start();
        LOG.info("job-progress service started applicationId={}", applicationId);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the application runs (or fails), at most {@code timeout}. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return StreamsStates.awaitRunning(streams, timeout);
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        LOG.info("job-progress service stopped");
    }
}
