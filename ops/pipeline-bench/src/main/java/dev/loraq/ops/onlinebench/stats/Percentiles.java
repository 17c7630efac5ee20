package dev.loraq.ops.onlinebench.stats;

import java.util.Arrays;
import java.util.Collection;

/**
 * Percentiles of a sample, by linear interpolation between the closest ranks (numpy's default, "type 7"): the
 * p-th percentile of n sorted values lies at rank {@code p/100 * (n - 1)}, so p50 of {1, 2, 3, 4} is 2.5 and p100 is
 * the largest value.
 */
public final class Percentiles {

    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    /** The sample, copied and sorted. */
    public static Percentiles of(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    /** The sample, copied and sorted. */
    public static Percentiles of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** The median of the values. */
    public static double median(Collection<? extends Number> values) {
        return of(values).at(50);
    }

    public int count() {
        return sorted.length;
    }

    /**
     * The p-th percentile; NaN for an empty sample.
     *
     * @throws IllegalArgumentException when p is outside [0, 100]
     */
    public double at(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
