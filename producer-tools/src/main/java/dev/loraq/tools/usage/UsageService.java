package dev.loraq.tools.usage;

import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.StreamsStates;
import dev.loraq.tools.progress.JobProgressService;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link UsageTopology} as its own Kafka Streams application (exactly_once_v2, application id
 * {@code usage.application.id}), started by {@code loraq usage-service}. Its own application rather than a part of
 * the job-progress one, so each keeps its own offsets, state and transactions: either can be reset or rebuilt from the
 * completion topics without touching the other, and a failure in one does not stop the other.
 */
public final class UsageService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageService.class);
    /** The record cache folds a commit interval's updates of a row into one record: readers want totals, not each step. */
    private static final long CACHE_BYTES = 10L * 1024 * 1024;

    private final KafkaStreams streams;
    private final String applicationId;

    public UsageService(ToolsConfig config) {
        this.applicationId = config.usageApplicationId();
        this.streams = new KafkaStreams(UsageTopology.build(LoraqSerdes.completion(config.registryConfig(), false),
                config.outputTopicPattern().subscription()), streamsConfig(config));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("usage stream thread failed; shutting the client down applicationId={}", applicationId, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** The job-progress service's settings (security, exactly_once_v2, state dir, commit interval, discovery), own id. */
    static Properties streamsConfig(ToolsConfig config) {
        Properties props = JobProgressService.streamsConfig(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.usageApplicationId());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, CACHE_BYTES);
        return props;
    }

    public void start() {
        streams.start();
        LOG.info("usage service started applicationId={}", applicationId);
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
        LOG.info("usage service stopped applicationId={}", applicationId);
    }
}
