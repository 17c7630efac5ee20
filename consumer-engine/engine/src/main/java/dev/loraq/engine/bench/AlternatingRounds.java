package dev.loraq.engine.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the two legs of a side-by-side comparison in rounds, the order swapped each round (on a shared machine the
 * first leg of a pair runs faster), until the median of the per-round ratios settles: at least {@link #MIN_ROUNDS},
 * then until each of the last {@link #STEADY_ROUNDS} rounds moved the median by less than {@link #SETTLE_TOLERANCE}
 * (one quiet round can be luck on a noisy machine), at most {@link #MAX_ROUNDS}.
 * A single pair of legs gave 0.967 and 1.121 for the same code in two runs; the median of settled rounds does not
 * hinge on one disturbed leg.
 */
final class AlternatingRounds {

    static final int MIN_ROUNDS = 5;
    static final int MAX_ROUNDS = 15;
    static final double SETTLE_TOLERANCE = 0.02;
    static final int STEADY_ROUNDS = 2;

    /** One leg of a round: runs its work and returns its seconds per unit (e.g. the median step time). */
    interface Leg {
        double run();
    }

    /** What a round's ratio is, from the two legs' seconds. */
    interface Ratio {
        double of(double firstLegSeconds, double secondLegSeconds);
    }

    /** The legs' per-round seconds and ratios, and whether the median settled before the cap. */
    record Result(double[] firstSeconds, double[] secondSeconds, double[] ratios, boolean settled) {

        int rounds() {
            return ratios.length;
        }

        double medianRatio() {
            return DecodeLoop.median(ratios);
        }

        double medianFirstSeconds() {
            return DecodeLoop.median(firstSeconds);
        }

        double medianSecondSeconds() {
            return DecodeLoop.median(secondSeconds);
        }

        /** rounds, the median ratio's spread, the per-round ratios and the stop rule, for a scenario's JSON line. */
        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rounds", rounds());
            m.put("settled", settled);
            m.put("ratio", Spread.of(ratios, 3));
            List<Double> perRound = new ArrayList<>(ratios.length);
            for (double r : ratios) {
                perRound.add(DecodeLoop.round(r, 3));
            }
            m.put("roundRatios", perRound);
            m.put("order", "legs alternate, order swapped each round; at least " + MIN_ROUNDS + " rounds, stop when "
                    + "each of the last " + STEADY_ROUNDS + " moved the median ratio by < "
                    + Math.round(SETTLE_TOLERANCE * 100) + "%, at most " + MAX_ROUNDS);
            return m;
        }
    }

    private AlternatingRounds() {
    }

    static Result run(Leg first, Leg second, Ratio ratio) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        double previousMedian = Double.NaN;
        int steady = 0;
        boolean settled = false;
        for (int round = 0; round < MAX_ROUNDS && !settled; round++) {
            double firstSeconds;
            double secondSeconds;
            if (round % 2 == 0) {
                firstSeconds = first.run();
                secondSeconds = second.run();
            } else {
                secondSeconds = second.run();
                firstSeconds = first.run();
            }
            a.add(firstSeconds);
            b.add(secondSeconds);
            ratios.add(ratio.of(firstSeconds, secondSeconds));
            double median = DecodeLoop.median(toArray(ratios));
            steady = Math.abs(median - previousMedian) < SETTLE_TOLERANCE * previousMedian ? steady + 1 : 0;
            settled = ratios.size() >= MIN_ROUNDS && steady >= STEADY_ROUNDS;
            previousMedian = median;
        }
        return new Result(toArray(a), toArray(b), toArray(ratios), settled);
    }

    private static double[] toArray(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
