package dev.loraq.ops.onlinebench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void shouldInterpolateBetweenTheClosestRanksAsNumpyDoes() {
        Percentiles p = Percentiles.of(new double[] {4, 1, 3, 2});
        assertEquals(2.5, p.at(50), 1e-12);
        assertEquals(1.0, p.at(0), 1e-12);
        assertEquals(4.0, p.at(100), 1e-12);
        // numpy.percentile([1, 2, 3, 4], 99) = 3.97
        assertEquals(3.97, p.at(99), 1e-12);
        assertEquals(1.75, p.at(25), 1e-12);
    }

    @Test
    void shouldGiveTheTailOfALargeSample() {
        // 1..1000: p99 lies at rank 989.01, between 990 and 991.
        Percentiles p = Percentiles.of(IntStream.rangeClosed(1, 1000).mapToDouble(i -> 1000 - i + 1).toArray());
        assertEquals(990.01, p.at(99), 1e-9);
        assertEquals(500.5, p.at(50), 1e-9);
        assertEquals(1000, p.count());
    }

    @Test
    void shouldGiveTheMedianOfOddAndEvenCounts() {
        assertEquals(3.0, Percentiles.median(List.of(5.0, 1.0, 3.0)), 1e-12);
        assertEquals(2.5, Percentiles.median(List.of(4, 1, 2, 3)), 1e-12);
        assertEquals(7.0, Percentiles.median(List.of(7.0)), 1e-12);
    }

    @Test
    void shouldNotSortTheCallersArray() {
        double[] values = {3, 1, 2};
        Percentiles.of(values);
        assertEquals(3, values[0]);
    }

    @Test
    void shouldAnswerNanForAnEmptySampleAndRefuseAPercentileOutOfRange() {
        assertTrue(Double.isNaN(Percentiles.of(new double[0]).at(99)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[] {1}).at(101));
        assertTrue(e.getMessage().contains("[0, 100]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[] {1}).at(Double.NaN));
    }
}
