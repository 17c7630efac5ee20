package dev.loraq.ops.onlinebench.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The SSE reader and the chunk timer, on canned streams as loraq and llama-server send them, with a fake clock. */
class SseStreamTest {

    private static List<String> events(String stream, boolean expectDone) throws Exception {
        List<String> data = new ArrayList<>();
        assertEquals(expectDone, SseStream.read(new BufferedReader(new StringReader(stream)), data::add));
        return data;
    }

    @Test
    void shouldHandEachDataEventAndStopAtDone() throws Exception {
        String stream = ": keep-alive comment\n"
                + "data: {\"a\":1}\n\n"
                + "event: message\n"
                + "data:{\"b\":2}\n\n"
                + "data: first line\n"
                + "data: second line\n\n"
                + "data: [DONE]\n\n"
                + "data: {\"after\":\"done\"}\n\n";
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "first line\nsecond line"), events(stream, true));
    }

    @Test
    void shouldTellAStreamThatEndedWithoutDone() throws Exception {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), events("data: {\"a\":1}\n\ndata: {\"b\":2}", false));
        assertEquals(List.of(), events("", false));
    }

    /** A /v1/completions stream with usage, as loraq sends it; the clock moves 10, 30, 20, 25, 5 ms per event. */
    @Test
    void shouldTimeTheFirstTokenAndEachLaterGapOfACompletionsStream() throws Exception {
        String stream = "data: {\"choices\":[{\"index\":0,\"text\":\"Hel\",\"finish_reason\":null}],\"usage\":null}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"text\":\"lo\",\"finish_reason\":null}],\"usage\":null}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":null}],\"usage\":null}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"text\":\" w\\u00f6rld\",\"finish_reason\":\"length\"}],\"usage\":null}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}\n\n"
                + "data: [DONE]\n\n";
        PrimitiveIterator.OfLong clock = LongStream.of(1_010, 1_040, 1_060, 1_085, 1_090).map(ms -> ms * 1_000_000L).iterator();
        ChunkTimer timer = new ChunkTimer(1_000_000_000L);
        assertTrue(SseStream.read(new BufferedReader(new StringReader(stream)), d -> timer.onChunk(d, clock.nextLong())));
        StreamTiming t = timer.finish(1_100_000_000L);
        assertEquals(10_000_000L, t.ttftNanos());
        // The empty delta at 1060 is no token: the gap of " wörld" runs from "lo" at 1040 to 1085.
        assertArrayEquals(new long[] {30_000_000L, 45_000_000L}, t.gapsNanos());
        assertEquals(3, t.chunks());
        assertEquals(4, t.completionTokens(), "the usage chunk's count wins over the chunks counted");
        assertEquals("length", t.finishReason());
        assertEquals(1_100_000_000L, t.endNanos());
    }

    @Test
    void shouldTimeChatDeltasAndCountChunksWhenNoUsageIsSent() {
        ChunkTimer timer = new ChunkTimer(0);
        timer.onChunk("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}", 5);
        timer.onChunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}", 7);
        timer.onChunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}", 12);
        StreamTiming t = timer.finish(20);
        assertEquals(7, t.ttftNanos(), "the role-only delta is no token");
        assertArrayEquals(new long[] {5}, t.gapsNanos());
        assertEquals(2, t.completionTokens());
        assertEquals("stop", t.finishReason());
    }

    @Test
    void shouldKeepEveryGapOfALongStream() {
        ChunkTimer timer = new ChunkTimer(0);
        for (int i = 1; i <= 300; i++) {
            timer.onChunk("{\"choices\":[{\"text\":\"t\"}]}", i * 2L);
        }
        StreamTiming t = timer.finish(1000);
        assertEquals(299, t.gapsNanos().length);
        assertTrue(LongStream.of(t.gapsNanos()).allMatch(g -> g == 2));
    }

    @Test
    void shouldFailOnAnErrorEventAChunkThatIsNoJsonAndAStreamWithoutText() {
        ChunkTimer timer = new ChunkTimer(0);
        StreamFailure error = assertThrows(StreamFailure.class, () -> timer.onChunk(
                "{\"error\":{\"message\":\"engine shut down\",\"type\":\"server_error\",\"code\":\"cancelled\"}}", 1));
        assertTrue(error.getMessage().contains("engine shut down"), error.getMessage());
        StreamFailure notJson = assertThrows(StreamFailure.class, () -> timer.onChunk("{not json", 1));
        assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
        StreamFailure empty = assertThrows(StreamFailure.class, () -> new ChunkTimer(0).finish(1));
        assertFalse(empty.getMessage().isEmpty());
    }
}
