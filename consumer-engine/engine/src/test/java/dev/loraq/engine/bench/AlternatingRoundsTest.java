package dev.loraq.engine.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AlternatingRoundsTest {

    @Test
    void shouldSwapTheOrderEachRoundAndStopAtTheMinimumWhenSteady() {
        List<String> order = new ArrayList<>();
        AlternatingRounds.Result r = AlternatingRounds.run(() -> {
            order.add("a");
            return 1.0;
        }, () -> {
            order.add("b");
            return 2.0;
        }, (a, b) -> b / a);
        assertEquals(AlternatingRounds.MIN_ROUNDS, r.rounds());
        assertTrue(r.settled());
        assertEquals(List.of("a", "b", "b", "a", "a", "b", "b", "a", "a", "b"), order);
        assertEquals(2.0, r.medianRatio());
    }

    @Test
    void shouldGoOnWhileTheMedianMovesAndStopAtTheCap() {
        double[] next = {1.0};
        AlternatingRounds.Result r = AlternatingRounds.run(() -> 1.0, () -> next[0] *= 1.5, (a, b) -> b / a);
        assertEquals(AlternatingRounds.MAX_ROUNDS, r.rounds());
        assertFalse(r.settled());
    }

    @Test
    void shouldReportTheMedianOfThePerRoundRatios() {
        double[] seconds = {1, 4, 1, 1, 1, 1, 1, 1, 1, 1};
        int[] call = {0};
        AlternatingRounds.Result r = AlternatingRounds.run(() -> 1.0, () -> seconds[call[0]++], (a, b) -> b / a);
        assertArrayEquals(new double[] {1, 4, 1, 1, 1}, r.ratios());
        assertEquals(1.0, r.medianRatio(), "one disturbed round does not move the median");
        assertEquals(1.0, ((java.util.Map<?, ?>) r.figures().get("ratio")).get("median"));
    }
}
