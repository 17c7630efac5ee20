package dev.loraq.engine;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bound on waiting requests (max.waiting.requests) on the real engine: one sequence runs at a time, four wait. */
class EngineAdmissionTest {

    private static final int BOUND = 4;

    private static Engine openSmall() {
        return Engine.open(TestModels.config(EngineConfig.MAX_NUM_SEQS, 1, EngineConfig.MAX_NUM_BATCHED_TOKENS, 16,
                EngineConfig.MAX_WAITING_REQUESTS, BOUND));
    }

    private static GenerationRequest request(String id, int maxTokens) {
        return GenerationRequest.ofTokens(id, null, new int[] {1, 7, 8}, SamplingParams.greedy(maxTokens));
    }

    private static InvalidRequestException refusal(CompletableFuture<GenerationResult> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(InvalidRequestException.class, e.getCause());
    }

    @Test
    void shouldRefuseSubmissionsBeyondTheBoundAndAdmitAgainOnceTheyAreServed() {
        try (Engine engine = openSmall()) {
            List<CompletableFuture<GenerationResult>> accepted = new ArrayList<>();
            int refused = 0;
            // A burst far faster than one sequence at a time can drain.
            for (int i = 0; i < 40; i++) {
                RecordingListener listener = new RecordingListener();
                CompletableFuture<GenerationResult> f = engine.submit(request("burst-" + i, 8).withListener(listener));
                if (f.isCompletedExceptionally()) {
                    refused++;
                    InvalidRequestException e = refusal(f);
                    assertEquals(ErrorCode.OVERLOADED, e.code());
                    assertTrue(e.getMessage().contains(EngineConfig.MAX_WAITING_REQUESTS) && e.getMessage().contains(" " + BOUND + " "),
                            "names the bound and its key: " + e.getMessage());
                    assertEquals(e, listener.error, "the listener hears of the refusal too");
                } else {
                    accepted.add(f);
                }
            }
            assertTrue(refused > 0, "the burst met the bound");
            assertTrue(accepted.size() >= BOUND, "at least the bound was accepted: " + accepted.size());
            assertEquals(refused, engine.stats().scheduler().overloaded(), "refusals are counted");
            for (CompletableFuture<GenerationResult> f : accepted) {
                assertNotEquals(FinishReason.CANCELLED, f.orTimeout(60, TimeUnit.SECONDS).join().finishReason());
            }
            // Every place was given back before its future completed: a new burst of the bound fits whole.
            List<CompletableFuture<GenerationResult>> again = new ArrayList<>();
            for (int i = 0; i < BOUND; i++) {
                again.add(engine.submit(request("again-" + i, 2)));
                assertFalse(again.getLast().isCompletedExceptionally(), "place " + i + " free again");
            }
            again.forEach(f -> f.orTimeout(60, TimeUnit.SECONDS).join());
            assertEquals(refused, engine.stats().scheduler().overloaded());
        }
    }

    @Test
    void shouldFreeTheCancelledRequestsPlaceAtOnce() {
        try (Engine engine = openSmall()) {
            List<String> accepted = new ArrayList<>();
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            CompletableFuture<GenerationResult> f;
            int i = 0;
            while (!(f = engine.submit(request("fill-" + i, 40))).isCompletedExceptionally()) {
                accepted.add("fill-" + i);
                futures.add(f);
                assertTrue(++i < 1000, "never reached the bound");
            }
            assertEquals(ErrorCode.OVERLOADED, refusal(f).code());
            // No scheduler iteration is needed: the cancelled request's place is free when cancel returns.
            engine.cancel(accepted.getLast());
            CompletableFuture<GenerationResult> next = engine.submit(request("after-cancel", 2));
            assertFalse(next.isCompletedExceptionally(), "admitted in the cancelled request's place");
            assertNotEquals(FinishReason.CANCELLED, next.orTimeout(60, TimeUnit.SECONDS).join().finishReason());
            futures.forEach(g -> g.orTimeout(60, TimeUnit.SECONDS).join());
        }
    }
}
