package dev.loraq.ops.onlinebench.load;

import dev.loraq.ops.onlinebench.client.StreamTiming;
import java.util.List;

/**
 * The streams of one load run.
 *
 * @param streams    the completed streams, in arrival order
 * @param failures   streams refused or broken, with the first failure's message in {@code firstFailure}
 * @param startNanos when the first request was sent
 * @param endNanos   when the last stream ended
 */
public record LoadResult(List<StreamTiming> streams, int failures, String firstFailure, long startNanos, long endNanos) {

    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /** Completion tokens of every stream. */
    public long completionTokens() {
        return streams.stream().mapToLong(StreamTiming::completionTokens).sum();
    }
}
