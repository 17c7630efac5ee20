package dev.loraq.tools.kafka;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application of the tools (job progress, usage): started, watched and closed the same way. A stream
 * thread that fails shuts the client down (state ERROR), so a service command exits instead of running half-dead.
 */
public class StreamsApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApplication.class);

    private final KafkaStreams streams;
    private final String name;
    private final String applicationId;

    protected StreamsApplication(String name, String applicationId, Topology topology, Properties config) {
        this.name = name;
        this.applicationId = applicationId;
        this.streams = new KafkaStreams(topology, config);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{} stream thread failed; shutting the client down applicationId={}", name, applicationId, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    public void start() {
        streams.start();
        LOG.info("{} started applicationId={}", name, applicationId);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the application runs (true) or fails or stops (false), at most {@code timeout}. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        LOG.info("{} stopped applicationId={}", name, applicationId);
    }
}
