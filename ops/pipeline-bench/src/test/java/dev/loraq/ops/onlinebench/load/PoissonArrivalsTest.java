package dev.loraq.ops.onlinebench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PoissonArrivalsTest {

    @Test
    void shouldSpaceArrivalsAtTheRateOnAverageAndRepeatForASeed() {
        long[] at = StreamLoad.poissonArrivals(20_000, 4.0, 7);
        assertEquals(0, at[0]);
        for (int i = 1; i < at.length; i++) {
            assertTrue(at[i] >= at[i - 1], "arrivals in order");
        }
        double meanGapSeconds = at[at.length - 1] / 1e9 / (at.length - 1);
        assertEquals(0.25, meanGapSeconds, 0.01);
        // Exponential gaps: the standard deviation equals the mean (a fixed-interval generator would give 0).
        double sum = 0;
        for (int i = 1; i < at.length; i++) {
            double d = (at[i] - at[i - 1]) / 1e9 - meanGapSeconds;
            sum += d * d;
        }
        assertEquals(0.25, Math.sqrt(sum / (at.length - 1)), 0.015);
        assertArrayEquals(at, StreamLoad.poissonArrivals(20_000, 4.0, 7));
    }

    @Test
    void shouldRefuseARateThatIsNotPositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamLoad.poissonArrivals(3, 0, 1));
        assertTrue(e.getMessage().contains("rate"), e.getMessage());
    }
}
