package dev.loraq.engine.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.sample.Sampler;
import dev.loraq.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;

/** A sequence is charged its rows' share of each step's time, summed over its steps. */
class StepTimeShareTest {

    private static Sequence sequence(String id) {
        SamplingParams p = SamplingParams.greedy(4);
        GenerationRequest r = GenerationRequest.ofTokens(id, null, new int[] {1, 2, 3}, p);
        return new Sequence(r, null, 0, new int[] {1, 2, 3}, 4, new Sampler(p, 512), null, new int[0]);
    }

    @Test
    void shouldChargeARequestItsRowsShareOfAStep() {
        Sequence a = sequence("a");
        Sequence b = sequence("b");
        Sequence c = sequence("c");
        // One step of 1,200 ns over 12 rows: a had 3, b had 8, c had 1.
        double perRow = 1_200.0 / 12;
        a.chargeStep(3, perRow);
        b.chargeStep(8, perRow);
        c.chargeStep(1, perRow);

        assertEquals(300, a.engineNanos());
        assertEquals(800, b.engineNanos());
        assertEquals(100, c.engineNanos());
        assertEquals(1_200, a.engineNanos() + b.engineNanos() + c.engineNanos());
    }

    @Test
    void shouldSumShareOverSteps() {
        Sequence s = sequence("s");
        s.chargeStep(3, 1_000.0 / 7); // a prefill chunk of 3 of 7 rows in a 1,000 ns step
        s.chargeStep(1, 900.0 / 9);   // then one decode row of 9 in a 900 ns step
        s.chargeStep(1, 50.0);        // then alone in a 50 ns step

        assertEquals(Math.round(3_000.0 / 7 + 100 + 50), s.engineNanos());
    }

    @Test
    void shouldStartAtZero() {
        assertEquals(0, sequence("new").engineNanos());
    }
}
