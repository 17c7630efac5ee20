package dev.loraq.ops.onlinebench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;

/**
 * Times one stream's chunks as they arrive: a chunk whose choices carry text ({@code text} of completions,
 * {@code delta.content} of chat) is a token arrival; the first one's time from the start is the time to first token,
 * each later one's gap from the previous is an inter-token latency. A chunk with {@code error} (sent by a server after
 * the stream began) fails the stream, naming the error.
 */
public final class ChunkTimer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long startNanos;
    private long lastNanos = -1;
    private long ttftNanos = -1;
    private long[] gaps = new long[64];
    private int chunks;
    private int usageTokens = -1;
    private String finishReason;

    public ChunkTimer(long startNanos) {
        this.startNanos = startNanos;
    }

    /**
     * One event's data, received at {@code nowNanos}.
     *
     * @throws StreamFailure when the chunk is not JSON or is an error event
     */
    public void onChunk(String data, long nowNanos) {
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (IOException e) {
            throw new StreamFailure("a stream chunk is not JSON: " + abbreviate(data));
        }
        if (chunk.has("error")) {
            throw new StreamFailure("the server sent an error in the stream: " + abbreviate(chunk.get("error").toString()));
        }
        boolean text = false;
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode t = choice.has("delta") ? choice.path("delta").path("content") : choice.path("text");
            text |= t.isTextual() && !t.asText().isEmpty();
            JsonNode finish = choice.path("finish_reason");
            if (finish.isTextual()) {
                finishReason = finish.asText();
            }
        }
        JsonNode usage = chunk.path("usage").path("completion_tokens");
        if (usage.isInt()) {
            usageTokens = usage.asInt();
        }
        if (text) {
            token(nowNanos);
        }
    }

    private void token(long nowNanos) {
        if (ttftNanos < 0) {
            ttftNanos = nowNanos - startNanos;
        } else {
            if (chunks - 1 == gaps.length) {
                gaps = Arrays.copyOf(gaps, gaps.length * 2);
            }
            gaps[chunks - 1] = nowNanos - lastNanos;
        }
        lastNanos = nowNanos;
        chunks++;
    }

    /**
     * The stream's timing, ended at {@code endNanos}.
     *
     * @throws StreamFailure when no chunk carried text
     */
    public StreamTiming finish(long endNanos) {
        if (ttftNanos < 0) {
            throw new StreamFailure("the stream ended without any text (finish_reason " + finishReason + ")");
        }
        return new StreamTiming(startNanos, ttftNanos, Arrays.copyOf(gaps, chunks - 1), chunks,
                usageTokens >= 0 ? usageTokens : chunks, finishReason, endNanos);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
