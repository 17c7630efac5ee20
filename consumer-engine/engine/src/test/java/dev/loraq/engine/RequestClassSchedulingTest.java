package dev.loraq.engine;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interactive priority and the batch share (scheduling.batch.min.share) on the real engine, read from the order in
 * which the engine reports admissions. "Blocker" requests take every sequence, and the scheduler is held right after
 * admitting them until the queue is built, so the order of the queued requests is the scheduler's choice alone
 * however fast or slow the machine.
 */
class RequestClassSchedulingTest {

    private static final int BLOCKER_TOKENS = 480;

    private static Engine open(int maxNumSeqs, double share, AdmissionLog log) {
        Engine engine = Engine.open(TestModels.config(EngineConfig.MAX_NUM_SEQS, maxNumSeqs,
                EngineConfig.MAX_NUM_BATCHED_TOKENS, 64, EngineConfig.SCHEDULING_BATCH_MIN_SHARE, share));
        engine.observe(log);
        return engine;
    }

    private static GenerationRequest request(String id, RequestClass c, int maxTokens) {
        return GenerationRequest.ofTokens(id, null, new int[] {1, 7, 8}, SamplingParams.greedy(maxTokens)).withRequestClass(c);
    }

    /** A long request: from this prompt the tiny test model's greedy output meets no stop token in 480 tokens. */
    private static GenerationRequest blocker(String id, RequestClass c) {
        return GenerationRequest.ofTokens(id, null, new int[] {1, 2, 3}, SamplingParams.greedy(BLOCKER_TOKENS)).withRequestClass(c);
    }

    /**
     * Fills every sequence with long requests; the scheduler then waits for {@link AdmissionLog#release()}. It is also
     * held at the first blocker until the others are queued, so none runs ahead of them.
     */
    private static List<CompletableFuture<GenerationResult>> block(Engine engine, AdmissionLog log, int n, RequestClass c)
            throws InterruptedException {
        int before = log.admitted.size();
        log.holdAfterAdmitting(before + 1);
        List<CompletableFuture<GenerationResult>> blockers = new ArrayList<>();
        blockers.add(engine.submit(blocker("blocker-0", c)));
        log.awaitHeld();
        for (int i = 1; i < n; i++) {
            blockers.add(engine.submit(blocker("blocker-" + i, c)));
        }
        log.holdAfterAdmitting(before + n);
        log.release();
        log.awaitHeld();
        return blockers;
    }

    private static void awaitAll(List<CompletableFuture<GenerationResult>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();
    }

    /** Admissions after the blockers, in order. */
    private static List<String> queuedOrder(AdmissionLog log, int blockers) {
        return log.admitted.subList(blockers, log.admitted.size());
    }

    @Test
    void shouldAdmitAnInteractiveRequestBeforeOlderBatchRequests() throws InterruptedException {
        AdmissionLog log = new AdmissionLog();
        try (Engine engine = open(2, 0.5, log)) {
            List<CompletableFuture<GenerationResult>> all = block(engine, log, 2, RequestClass.BATCH);
            for (int i = 0; i < 4; i++) {
                all.add(engine.submit(request("batch-" + i, RequestClass.BATCH, 4)));
            }
            all.add(engine.submit(request("interactive", RequestClass.INTERACTIVE, 4)));
            assertFalse(all.get(0).isDone() || all.get(1).isDone(), "the blockers must still run while the queue is built");
            log.release();
            awaitAll(all);
            List<String> order = queuedOrder(log, 2);
            // Half the batch is batch work's: one batch request may go first when both blockers end together, never more.
            assertTrue(order.indexOf("interactive") <= 1, "interactive jumps the batch queue: " + order);
            assertTrue(order.indexOf("interactive") < order.indexOf("batch-1"), order::toString);
            assertEquals(List.of("batch-0", "batch-1", "batch-2", "batch-3"),
                    order.stream().filter(id -> id.startsWith("batch-")).toList(), "batch requests keep their order");
        }
    }

    @Test
    void shouldKeepAdmittingBatchRequestsUnderAFloodOfInteractiveOnes() throws InterruptedException {
        List<String> order = floodOrder(0.25);
        // One of four sequences is batch work's: each batch request is admitted as soon as the one before it ends,
        // about every fourth admission, though 40 interactive requests wait.
        for (int k = 0; k < 3; k++) {
            int at = order.indexOf("batch-" + k);
            assertTrue(at >= 0 && at <= 4 * k + 4, "batch-" + k + " admitted at " + at + ": " + order);
        }
    }

    @Test
    void shouldStarveBatchRequestsUnderStrictPriority() throws InterruptedException {
        // The contrast that shows the share is what keeps batch work going: with share 0 it waits for the whole flood.
        List<String> order = floodOrder(0);
        for (int k = 0; k < 3; k++) {
            assertEquals(40 + k, order.indexOf("batch-" + k), order::toString);
        }
    }

    private static List<String> floodOrder(double share) throws InterruptedException {
        AdmissionLog log = new AdmissionLog();
        try (Engine engine = open(4, share, log)) {
            List<CompletableFuture<GenerationResult>> all = block(engine, log, 4, RequestClass.INTERACTIVE);
            for (int i = 0; i < 40; i++) {
                all.add(engine.submit(request("interactive-" + i, RequestClass.INTERACTIVE, 12)));
            }
            for (int i = 0; i < 3; i++) {
                all.add(engine.submit(request("batch-" + i, RequestClass.BATCH, 12)));
            }
            assertFalse(all.subList(0, 4).stream().anyMatch(CompletableFuture::isDone), "the blockers must still run");
            log.release();
            awaitAll(all);
            return List.copyOf(queuedOrder(log, 4));
        }
    }

    @Test
    void shouldKeepASequenceFreeForInteractiveRequestsWhileTheyArrive() throws InterruptedException {
        AdmissionLog log = new AdmissionLog();
        // 4 sequences, headroom 0.25: once an interactive request was seen, batch work fills at most 3.
        try (Engine engine = Engine.open(TestModels.config(EngineConfig.MAX_NUM_SEQS, 4,
                EngineConfig.MAX_NUM_BATCHED_TOKENS, 64, EngineConfig.SCHEDULING_BATCH_MIN_SHARE, 0.25,
                EngineConfig.SCHEDULING_INTERACTIVE_HEADROOM_SHARE, 0.25))) {
            engine.observe(log);
            engine.submit(request("first-interactive", RequestClass.INTERACTIVE, 2)).orTimeout(60, TimeUnit.SECONDS).join();
            // Hold the scheduler at the third batch admission, while "late" is queued behind it.
            log.holdAfterAdmitting(4);
            List<CompletableFuture<GenerationResult>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(engine.submit(blocker("batch-" + i, RequestClass.BATCH)));
            }
            log.awaitHeld();
            all.add(engine.submit(request("late", RequestClass.INTERACTIVE, 2)));
            log.release();
            all.get(all.size() - 1).orTimeout(60, TimeUnit.SECONDS).join();
            // Without the headroom batch-3 would take the fourth sequence in the same pass and "late" would wait
            // for a 400-token batch request to finish.
            assertEquals("late", log.admitted.get(4), "the interactive request takes the sequence kept free: " + log.admitted);
            for (int i = 0; i < 6; i++) {
                engine.cancel("batch-" + i);
            }
            awaitAll(all);
        }
    }

    @Test
    void shouldReportAdmissionsTokenTimesAndAdapterLoads() {
        AdmissionLog log = new AdmissionLog();
        try (Engine engine = Engine.open(TestModels.config())) {
            engine.observe(log);
            GenerationResult cold = engine.submit(GenerationRequest.ofTokens("cold", "a-03", new int[] {1, 7, 8},
                    SamplingParams.greedy(6)).withRequestClass(RequestClass.INTERACTIVE)).join();
            GenerationResult warm = engine.submit(GenerationRequest.ofTokens("warm", "a-03", new int[] {1, 7, 8},
                    SamplingParams.greedy(6))).join();
            assertEquals(List.of("cold", "warm"), log.admitted);
            assertEquals(List.of(AdapterLoadKind.DISK, AdapterLoadKind.WARM), log.tiers, "cache hits by tier");
            assertEquals(List.of(AdapterLoadKind.DISK, AdapterLoadKind.HOST), log.loads,
                    "read from disk into host memory, then installed into a slot");
            int tokens = cold.completionTokens() + warm.completionTokens();
            assertTrue(tokens > 2, "the test needs generated tokens, got " + tokens);
            assertEquals(2, log.firstTokens.get(), "one first token per request");
            assertEquals(tokens - 2, log.nextTokens.get(), "one inter-token gap per later token");
            assertEquals(cold.completionTokens(), log.interactiveTokens.get(), "tokens by request class");
            assertTrue(log.minQueueNanos >= 0 && log.minTtftNanos > 0, "durations are measured");
        }
    }

    @Test
    void shouldSwitchOffAnObserverThatThrowsAndGoOn() {
        try (Engine engine = Engine.open(TestModels.config())) {
            engine.observe(new EngineObserver() {
                @Override
                public void firstToken(RequestClass requestClass, long sinceSubmitNanos) {
                    throw new IllegalStateException("metrics bug");
                }
            });
            for (int i = 0; i < 3; i++) {
                GenerationResult r = engine.submit(GenerationRequest.ofTokens("r" + i, null, new int[] {1, 7, 8},
                        SamplingParams.greedy(4))).orTimeout(60, TimeUnit.SECONDS).join();
                assertEquals("r" + i, r.requestId());
            }
            assertEquals(3, engine.stats().scheduler().completed());
        }
    }
}
