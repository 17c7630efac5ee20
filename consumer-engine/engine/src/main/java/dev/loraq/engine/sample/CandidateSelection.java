package dev.loraq.engine.sample;

/**
 * In-place selection of candidate token indices without allocation: a 3-way quickselect for "the k largest"
 * (top-k) and a mass-guided variant for "the smallest top set reaching a mass" (top-p). Three-way partitioning
 * keeps flat logits (many equal values, common in random models) linear instead of quadratic. Pivots are chosen
 * by median of three, never randomly, so sampling RNG streams are not disturbed.
 */
final class CandidateSelection {

    private CandidateSelection() {
    }

    /**
     * Rearranges {@code idx[0, n)} so that its first {@code k} entries are the indices of the k largest keys
     * ({@code keys[offset + idx[i]]}), in no particular order.
     */
    static void selectTop(float[] keys, int offset, int[] idx, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            float pivot = medianOfThree(keys, offset, idx, lo, hi);
            // 3-way partition, descending: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                float v = keys[offset + idx[i]];
                if (v > pivot) {
                    swap(idx, lt++, i++);
                } else if (v < pivot) {
                    swap(idx, i, gt--);
                } else {
                    i++;
                }
            }
            if (k <= lt) {
                hi = lt - 1;
            } else if (k <= gt + 1) {
                return;
            } else {
                lo = gt + 1;
            }
        }
    }

    /**
     * Rearranges {@code idx[0, n)} so that its first m entries are the smallest set of largest weights whose sum
     * reaches {@code target} (the top-p nucleus), and returns m (at least 1). Expected O(n): like quickselect,
     * but the side to continue in is chosen by accumulated mass instead of by count, so no sort is needed even
     * when the nucleus holds most of the vocabulary (flat distributions of untrained models).
     *
     * @param weights non-negative weights ({@code weights[idx[i]]})
     * @param target mass to reach, in (0, sum of the weights]
     */
    static int selectNucleus(float[] weights, int[] idx, int n, double target) {
        int lo = 0;
        int hi = n - 1;
        double included = 0.0; // mass of idx[0, lo): all larger than anything in [lo, hi]
        while (lo <= hi) {
            float pivot = medianOfThree(weights, 0, idx, lo, hi);
            int lt = lo;
            int gt = hi;
            int i = lo;
            double above = 0.0;
            while (i <= gt) {
                float v = weights[idx[i]];
                if (v > pivot) {
                    above += v;
                    swap(idx, lt++, i++);
                } else if (v < pivot) {
                    swap(idx, i, gt--);
                } else {
                    i++;
                }
            }
            if (included + above >= target) {
                hi = lt - 1;
                continue;
            }
            included += above;
            int equal = gt - lt + 1;
            if (included + (double) pivot * equal >= target) {
                int need = pivot > 0 ? (int) Math.ceil((target - included) / pivot) : equal;
                return lt + Math.max(1, Math.min(equal, need));
            }
            included += (double) pivot * equal;
            lo = gt + 1;
        }
        return Math.max(1, lo);
    }

    private static float medianOfThree(float[] keys, int offset, int[] idx, int lo, int hi) {
        float a = keys[offset + idx[lo]];
        float b = keys[offset + idx[(lo + hi) >>> 1]];
        float c = keys[offset + idx[hi]];
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
