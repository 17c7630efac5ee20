package dev.loraq.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.sample.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Every step's time is charged to the requests that had rows in it, in proportion to their rows: charges add up to
 * the scheduler's total step time, nothing is lost or counted twice, and a request alone in its steps gets all of them.
 */
class EngineTimeAttributionTest {

    private static final String[] ADAPTERS = {null, "a-00", "a-01", "a-02"};

    private static long totalStepNanos(Engine engine) {
        return Math.round(engine.stats().scheduler().stepSeconds() * 1e9);
    }

    @Test
    void shouldChargeARequestAloneTheWholeTimeOfItsSteps() {
        try (Engine engine = Engine.open(TestModels.config())) {
            GenerationResult r = engine.submit(GenerationRequest.ofPrompt("alone", "a-00", "Tell me about " + "topic ".repeat(30),
                    SamplingParams.greedy(6))).join();

            assertTrue(r.engineNanos() > 0, "a request that ran was charged nothing");
            assertEquals(totalStepNanos(engine), r.engineNanos(), 2);
        }
    }

    @Test
    void shouldShareEveryStepAmongTheRequestsInIt() {
        // max.num.batched.tokens 64 with prompts of ~10-70 tokens: chunked prefills share steps with decodes.
        try (Engine engine = Engine.open(TestModels.config())) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String prompt = "Request " + i + " about " + "topic ".repeat(2 + 5 * (i % 4));
                futures.add(engine.submit(GenerationRequest.ofPrompt("r" + i, ADAPTERS[i % ADAPTERS.length], prompt,
                        SamplingParams.greedy(3 + i % 5))));
            }
            long charged = 0;
            for (CompletableFuture<GenerationResult> f : futures) {
                GenerationResult r = f.join();
                assertTrue(r.engineNanos() > 0, r.requestId() + " ran but was charged nothing");
                charged += r.engineNanos();
            }
            // Each result rounds its own sum to whole nanoseconds: at most half a nanosecond off per request.
            assertEquals(totalStepNanos(engine), charged, futures.size());
        }
    }
}
