package dev.loraq.engine.sample;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandidateSelectionTest {

    @Test
    void shouldSelectTheKLargestLikeAFullSort() {
        Random r = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(200);
            int k = 1 + r.nextInt(n);
            int offset = r.nextInt(5);
            float[] keys = new float[n + offset];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = r.nextInt(4) == 0 ? 0.5f : (float) r.nextGaussian(); // include many ties
            }
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            CandidateSelection.selectTop(keys, offset, idx, n, k);

            float[] sorted = Arrays.copyOfRange(keys, offset, offset + n);
            Arrays.sort(sorted);
            float kth = sorted[n - k];
            float[] chosen = new float[k];
            for (int i = 0; i < k; i++) {
                chosen[i] = keys[offset + idx[i]];
                assertTrue(chosen[i] >= kth, "trial " + trial);
            }
            Arrays.sort(chosen);
            assertArrayEquals(Arrays.copyOfRange(sorted, n - k, n), chosen, "trial " + trial);
            int[] perm = idx.clone();
            Arrays.sort(perm);
            for (int i = 0; i < n; i++) {
                assertTrue(perm[i] == i, "idx stays a permutation");
            }
        }
    }

    @Test
    void shouldSelectSmallestTopSetReachingTheMassLikeASortedScan() {
        Random r = new Random(2);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + r.nextInt(300);
            float[] w = new float[n];
            double total = 0;
            for (int i = 0; i < n; i++) {
                w[i] = r.nextInt(3) == 0 ? 0.25f : r.nextFloat(); // ties included
                total += w[i];
            }
            double target = total * (0.05 + 0.95 * r.nextDouble());
            // reference: sort descending, take until the cumulative mass reaches the target
            float[] sorted = w.clone();
            Arrays.sort(sorted);
            double cum = 0;
            int expectedCount = 0;
            for (int i = n - 1; i >= 0; i--) {
                cum += sorted[i];
                expectedCount++;
                if (cum >= target) {
                    break;
                }
            }
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }

            int m = CandidateSelection.selectNucleus(w, idx, n, target);

            assertEquals(expectedCount, m, "trial " + trial);
            float[] chosen = new float[m];
            for (int i = 0; i < m; i++) {
                chosen[i] = w[idx[i]];
            }
            Arrays.sort(chosen);
            assertArrayEquals(Arrays.copyOfRange(sorted, n - m, n), chosen, "trial " + trial);
        }
    }
}
