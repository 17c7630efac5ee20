package dev.loraq.engine.delivery;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestDeliveryTest {

    private static GenerationResult result(String text) {
        return new GenerationResult("r", text, new int[0], FinishReason.STOP, 1, 0, 0, AdapterLoadKind.NONE, 0, 0, 0);
    }

    @Test
    void shouldRunEventsInOrderOneAtATimeOnAPoolOfThreads() {
        List<Integer> seen = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(int tokenId, String textDelta, int index) {
                seen.add(index);
            }

            @Override
            public void onFinish(String textDelta, GenerationResult r) {
                texts.add(textDelta);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CompletableFuture<GenerationResult> future = new CompletableFuture<>();
            RequestDelivery delivery = new RequestDelivery("r", listener, future, pool);
            for (int i = 0; i < 10_000; i++) {
                delivery.token(i, "x", i);
            }
            GenerationResult r = result("done");
            delivery.finish("tail", r);
            assertSame(r, future.orTimeout(30, TimeUnit.SECONDS).join());
            assertEquals(10_000, seen.size());
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i, seen.get(i));
            }
            assertEquals(List.of("tail"), texts);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldStopCallingAThrowingListenerAndStillCompleteTheFuture() {
        List<String> calls = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(int tokenId, String textDelta, int index) {
                calls.add("token " + index);
                throw new IllegalStateException("boom");
            }

            @Override
            public void onFinish(String textDelta, GenerationResult r) {
                calls.add("finish");
            }
        };
        CompletableFuture<GenerationResult> future = new CompletableFuture<>();
        RequestDelivery delivery = new RequestDelivery("r", listener, future, Runnable::run);
        delivery.token(5, "a", 0);
        delivery.token(6, "b", 1);
        delivery.finish("", result("ab"));
        assertEquals(List.of("token 0"), calls);
        assertEquals("ab", future.join().text());
    }

    @Test
    void shouldCompleteOnTheCallersThreadWhenTheDeliveryThreadsAreGone() {
        CompletableFuture<GenerationResult> future = new CompletableFuture<>();
        RequestDelivery delivery = new RequestDelivery("r", null, future, task -> {
            throw new RejectedExecutionException("closed");
        });
        delivery.fail(new IllegalStateException("scheduler failed"));
        assertTrue(future.isCompletedExceptionally(), "completed here, not lost");
    }
}
