package dev.loraq.engine;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.engine.sample.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token-by-token delivery through {@link GenerationRequest#listener()}, on the real engine and tiny model. */
class EngineStreamingTest {

    private static Engine engine;

    @BeforeAll
    static void open() {
        engine = Engine.open(TestModels.config());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static final int[] PROMPT = {1, 40, 41, 42, 43};

    private static SamplingParams greedy(int maxTokens, List<String> stops) {
        return new SamplingParams(maxTokens, 0, 0, 1, null, stops, List.of());
    }

    private static SamplingParams seeded(int maxTokens, List<String> stops) {
        return new SamplingParams(maxTokens, 0.9, 40, 0.95, 4242L, stops, List.of());
    }

    private static GenerationResult run(String id, SamplingParams sampling, RecordingListener listener) {
        GenerationRequest request = GenerationRequest.ofTokens(id, "a-01", PROMPT, sampling).withListener(listener);
        return engine.submit(request).orTimeout(60, TimeUnit.SECONDS).join();
    }

    /** The deltas and tokens a listener got match the result exactly, in order, each call on a delivery thread. */
    private static void assertStreamMatches(GenerationResult result, RecordingListener listener) {
        assertSame(result, listener.finished, "onFinish got the future's result");
        assertEquals(result.text(), listener.streamedText(), "deltas concatenate to the final text");
        assertArrayEquals(result.tokenIds(), listener.tokenIds.stream().mapToInt(Integer::intValue).toArray());
        assertEquals(IntStream.range(0, result.tokenIds().length).boxed().toList(), listener.indexes, "indexes in order");
        assertEquals(1, listener.terminalCalls);
        assertFalse(listener.callsAfterEnd, "no token after the finish");
        assertFalse(listener.overlapped, "one call at a time");
        for (String thread : listener.threads) {
            assertTrue(thread.startsWith("loraq-delivery-"), "delivered on " + thread);
        }
    }

    /** A stop string from the middle of the free text: the streamed text stops just before it, as the result does. */
    private static void assertStopStringHeldBack(SamplingParams withStop, String stop, String freeText) {
        RecordingListener listener = new RecordingListener();
        GenerationResult r = run("stop-" + stop.hashCode(), withStop, listener);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(freeText.substring(0, freeText.indexOf(stop)), r.text());
        assertStreamMatches(r, listener);
        for (String delta : listener.deltas) {
            assertFalse(delta.contains(stop), "stop string streamed in delta '" + delta + "'");
        }
    }

    private static String stopFrom(String text) {
        // Two characters from the middle, not the replacement character of a half-decoded byte token.
        for (int at = text.length() / 2; at + 2 <= text.length(); at++) {
            String s = text.substring(at, at + 2);
            if (s.indexOf('\uFFFD') < 0 && !s.isBlank()) {
                return s;
            }
        }
        throw new AssertionError("no usable stop string in '" + text + "'");
    }

    @Test
    void shouldStreamDeltasThatConcatenateToTheFinalTextWithStopStringsGreedy() {
        RecordingListener free = new RecordingListener();
        GenerationResult r = run("greedy-free", greedy(40, List.of()), free);
        assertStreamMatches(r, free);
        assertTrue(r.text().length() > 8, "enough text to cut: '" + r.text() + "'");
        String stop = stopFrom(r.text());
        assertStopStringHeldBack(greedy(40, List.of(stop)), stop, r.text());
    }

    @Test
    void shouldStreamDeltasThatConcatenateToTheFinalTextWithStopStringsSeeded() {
        RecordingListener free = new RecordingListener();
        GenerationResult r = run("seeded-free", seeded(40, List.of()), free);
        assertStreamMatches(r, free);
        assertTrue(r.text().length() > 8, "enough text to cut: '" + r.text() + "'");
        String stop = stopFrom(r.text());
        assertStopStringHeldBack(seeded(40, List.of(stop)), stop, r.text());
    }

    @Test
    void shouldReleaseTextHeldBackForAStopStringWithTheFinish() {
        GenerationResult free = run("tail-free", greedy(12, List.of()), new RecordingListener());
        assertEquals(FinishReason.LENGTH, free.finishReason(), "12 tokens without meeting the end of sequence");
        char last = free.text().charAt(free.text().length() - 1);
        // A stop string that starts with the last character and never completes: that character is held back
        // until generation ends, then released with the finish.
        RecordingListener listener = new RecordingListener();
        GenerationResult r = run("tail", greedy(12, List.of(last + "\u0001\u0002")), listener);
        assertEquals(free.text(), r.text());
        assertStreamMatches(r, listener);
        assertTrue(listener.finishDelta.endsWith(String.valueOf(last)), "held back until the end: '" + listener.finishDelta + "'");
    }

    @Test
    void shouldDeliverEachRequestInOrderWhileManyRunTogether() {
        List<RecordingListener> listeners = new ArrayList<>();
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
        List<Boolean> finishedBeforeFuture = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            RecordingListener listener = new RecordingListener();
            listeners.add(listener);
            SamplingParams s = i % 2 == 0 ? greedy(10 + i, List.of()) : seeded(10 + i, List.of());
            CompletableFuture<GenerationResult> f = engine.submit(GenerationRequest.ofTokens("order-" + i,
                    i % 3 == 0 ? null : "a-0" + (i % 4), new int[] {1, 50 + i, 60}, s).withListener(listener));
            futures.add(f.whenComplete((r, e) -> {
                synchronized (finishedBeforeFuture) {
                    finishedBeforeFuture.add(listener.terminalCalls == 1);
                }
            }));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertStreamMatches(futures.get(i).orTimeout(60, TimeUnit.SECONDS).join(), listeners.get(i));
        }
        synchronized (finishedBeforeFuture) {
            assertEquals(24, finishedBeforeFuture.size());
            assertFalse(finishedBeforeFuture.contains(false), "each future completes after its listener's finish");
        }
        assertTrue(engine.stats().scheduler().meanBatchSize() > 1.0, "requests ran batched together");
    }

    @Test
    void shouldCompleteFuturesOffTheSchedulerThread() {
        List<String> threads = new ArrayList<>();
        List<CompletableFuture<?>> callbacks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // Long enough that the callback is attached before the result exists.
            CompletableFuture<GenerationResult> f = engine.submit(GenerationRequest.ofTokens("thread-" + i, null,
                    new int[] {1, 80 + i}, seeded(60, List.of())));
            callbacks.add(f.thenRun(() -> {
                synchronized (threads) {
                    threads.add(Thread.currentThread().getName());
                }
            }));
        }
        callbacks.forEach(c -> c.orTimeout(60, TimeUnit.SECONDS).join());
        String test = Thread.currentThread().getName();
        synchronized (threads) {
            assertEquals(8, threads.size());
            for (String thread : threads) {
                assertTrue(thread.startsWith("loraq-delivery-") || thread.equals(test), "completed on " + thread);
            }
            assertTrue(threads.stream().anyMatch(t -> t.startsWith("loraq-delivery-")), threads.toString());
        }
    }

    @Test
    void shouldNotLetABlockedListenerHoldUpOtherRequests() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger blockedCalls = new AtomicInteger();
        GenerationListener blocking = (tokenId, delta, index) -> {
            blockedCalls.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<GenerationResult> blocked = engine.submit(GenerationRequest.ofTokens("blocked", null,
                PROMPT, greedy(20, List.of())).withListener(blocking));
        try {
            List<RecordingListener> listeners = new ArrayList<>();
            List<CompletableFuture<GenerationResult>> others = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                RecordingListener listener = new RecordingListener();
                listeners.add(listener);
                others.add(engine.submit(GenerationRequest.ofTokens("free-" + i, "a-0" + i % 3, new int[] {1, 90 + i},
                        greedy(20, List.of())).withListener(listener)));
            }
            for (int i = 0; i < others.size(); i++) {
                assertStreamMatches(others.get(i).orTimeout(60, TimeUnit.SECONDS).join(), listeners.get(i));
            }
            assertFalse(blocked.isDone(), "its future waits for its own listener");
            assertEquals(1, blockedCalls.get(), "the blocked listener is still in its first call");
        } finally {
            release.countDown();
        }
        GenerationResult r = blocked.orTimeout(60, TimeUnit.SECONDS).join();
        assertEquals(r.tokenIds().length, blockedCalls.get(), "every token reached it once it went on");
    }

    @Test
    void shouldFailOnlyTheDeliveryOfAListenerThatThrows() {
        AtomicInteger calls = new AtomicInteger();
        GenerationListener throwing = new GenerationListener() {
            @Override
            public void onToken(int tokenId, String textDelta, int index) {
                calls.incrementAndGet();
                if (index == 1) {
                    throw new IllegalStateException("listener bug");
                }
            }

            @Override
            public void onFinish(String textDelta, GenerationResult result) {
                calls.incrementAndGet();
            }
        };
        GenerationResult alone = engine.submit(GenerationRequest.ofTokens("throws-alone", "a-02", PROMPT,
                greedy(15, List.of()))).orTimeout(60, TimeUnit.SECONDS).join();
        assertTrue(alone.tokenIds().length >= 3, "enough tokens to throw at the second: " + alone.tokenIds().length);
        CompletableFuture<GenerationResult> bad = engine.submit(GenerationRequest.ofTokens("throws", "a-02", PROMPT,
                greedy(15, List.of())).withListener(throwing));
        List<RecordingListener> listeners = new ArrayList<>();
        List<CompletableFuture<GenerationResult>> good = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RecordingListener listener = new RecordingListener();
            listeners.add(listener);
            good.add(engine.submit(GenerationRequest.ofTokens("beside-" + i, "a-02", new int[] {1, 30 + i},
                    greedy(15, List.of())).withListener(listener)));
        }
        GenerationResult r = bad.orTimeout(60, TimeUnit.SECONDS).join();
        assertArrayEquals(alone.tokenIds(), r.tokenIds(), "the request itself went on to its end");
        assertEquals(alone.text(), r.text());
        assertEquals(2, calls.get(), "no call after the one that threw");
        for (int i = 0; i < good.size(); i++) {
            assertStreamMatches(good.get(i).orTimeout(60, TimeUnit.SECONDS).join(), listeners.get(i));
        }
    }

    @Test
    void shouldFinishCancelledStreamsAsCancelled() throws InterruptedException {
        // The scheduler is held at the running request's first token until both cancels are in, so neither request
        // can finish on its own first, however fast or slow the machine (observers run on the scheduler thread).
        CountDownLatch firstToken = new CountDownLatch(1);
        CountDownLatch cancelsIn = new CountDownLatch(1);
        try (Engine small = Engine.open(TestModels.config(EngineConfig.MAX_NUM_SEQS, 1, EngineConfig.MAX_NUM_BATCHED_TOKENS, 16))) {
            small.observe(new EngineObserver() {
                @Override
                public void firstToken(RequestClass requestClass, long sinceSubmitNanos) {
                    firstToken.countDown();
                    try {
                        cancelsIn.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            RecordingListener running = new RecordingListener();
            CompletableFuture<GenerationResult> first = small.submit(GenerationRequest.ofTokens("running", null,
                    new int[] {1, 5, 6}, seeded(400, List.of())).withListener(running));
            RecordingListener waiting = new RecordingListener();
            CompletableFuture<GenerationResult> second = small.submit(GenerationRequest.ofTokens("waiting", null,
                    new int[] {1, 5, 6}, greedy(3, List.of())).withListener(waiting));
            assertTrue(firstToken.await(30, TimeUnit.SECONDS), "the first request runs");
            small.cancel("waiting");
            small.cancel("running");
            cancelsIn.countDown();

            GenerationResult w = second.orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals(FinishReason.CANCELLED, w.finishReason());
            assertEquals(0, w.tokenIds().length, "cancelled while waiting");
            assertStreamMatches(w, waiting);
            assertEquals("", waiting.finishDelta);

            GenerationResult r = first.orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals(FinishReason.CANCELLED, r.finishReason());
            assertTrue(r.tokenIds().length >= 1 && r.tokenIds().length < 400, "cancelled while running");
            assertStreamMatches(r, running);
            assertEquals("", running.finishDelta, "held-back text is dropped on cancel, as in the result");
        }
    }

    @Test
    void shouldReportARefusalToTheListenerBeforeSubmitReturns() {
        RecordingListener listener = new RecordingListener();
        CompletableFuture<GenerationResult> f = engine.submit(GenerationRequest.ofPrompt("refused", "no-such-adapter", "hi",
                SamplingParams.greedy(2)).withListener(listener));
        assertTrue(f.isCompletedExceptionally(), "refused at once");
        InvalidRequestException e = assertInstanceOf(InvalidRequestException.class, listener.error);
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code());
        assertEquals(List.of(Thread.currentThread().getName()), listener.threads, "on the caller's thread");
        assertEquals(1, listener.terminalCalls);
        assertTrue(listener.deltas.isEmpty());
    }
}
