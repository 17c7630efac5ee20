package dev.loraq.engine.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AffinityBenchArrivalsTest {

    @Test
    void aBurstArrivesAtOnce() {
        assertArrayEquals(new long[5], AffinityBench.arrivals(5, 0, 7));
    }

    @Test
    void poissonArrivalsHaveTheMeanRateAndExponentialGaps() {
        int n = 20_000;
        double rate = 500;
        long[] at = AffinityBench.arrivals(n, rate, 7);
        assertArrayEquals(at, AffinityBench.arrivals(n, rate, 7), "seeded: both policies see the same times");
        double meanGap = at[n - 1] / 1e9 / (n - 1);
        assertEquals(1 / rate, meanGap, 0.03 / rate);
        int shorterThanMean = 0;
        for (int i = 1; i < n; i++) {
            assertTrue(at[i] >= at[i - 1]);
            if (at[i] - at[i - 1] < 1e9 / rate) {
                shorterThanMean++;
            }
        }
        // P(gap < mean) = 1 - 1/e for an exponential; fixed gaps would give 0 or 1.
        assertEquals(1 - Math.exp(-1), (double) shorterThanMean / (n - 1), 0.02);
    }
}
