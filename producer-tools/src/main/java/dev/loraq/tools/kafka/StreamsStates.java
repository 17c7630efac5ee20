package dev.loraq.tools.kafka;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/** Waiting on a Kafka Streams application of the tools (job progress, usage) to run. */
public final class StreamsStates {

    private StreamsStates() {
    }

    /** Waits until the application runs (true) or fails or stops (false), at most {@code timeout}. */
    public static boolean awaitRunning(KafkaStreams streams, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
