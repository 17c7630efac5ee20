package dev.loraq.ops.onlinebench.client;

/**
 * What the client saw of one streamed completion, in nanoseconds of {@link System#nanoTime}.
 *
 * @param startNanos       when the request was sent
 * @param ttftNanos        from sending the request to the first chunk carrying text (time to first token)
 * @param gapsNanos        between consecutive chunks carrying text (inter-token latency, one per later chunk)
 * @param chunks           chunks that carried text
 * @param completionTokens the usage the server reported, or {@code chunks} when it reported none
 * @param finishReason     the last finish_reason seen, or null
 * @param endNanos         when the stream ended ({@code [DONE]} or end of input)
 */
public record StreamTiming(long startNanos, long ttftNanos, long[] gapsNanos, int chunks, int completionTokens,
                           String finishReason, long endNanos) {
}
