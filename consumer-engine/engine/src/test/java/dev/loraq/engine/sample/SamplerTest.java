package dev.loraq.engine.sample;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    /** Plain reference: the target distribution after temperature, top-k, then top-p (sorted, renormalized). */
    static double[] referenceDistribution(float[] logits, double temperature, int topK, double topP) {
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> logits[i]).reversed());
        int keep = topK > 0 ? Math.min(topK, n) : n;
        double max = logits[order[0]];
        double[] w = new double[n];
        double total = 0;
        for (int r = 0; r < keep; r++) {
            int i = order[r];
            w[i] = Math.exp((logits[i] - max) / temperature);
            total += w[i];
        }
        if (topP < 1.0) {
            double cum = 0;
            int r = 0;
            for (; r < keep; r++) {
                cum += w[order[r]];
                if (cum >= topP * total) {
                    r++;
                    break;
                }
            }
            for (int s = r; s < keep; s++) {
                w[order[s]] = 0;
            }
            total = cum;
        }
        for (int i = 0; i < n; i++) {
            w[i] /= total;
        }
        return w;
    }

    static float[] randomLogits(int n, long seed, double scale) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * scale);
        }
        return l;
    }

    static SamplingParams params(double temperature, int topK, double topP, Long seed) {
        return new SamplingParams(16, temperature, topK, topP, seed, List.of(), List.of());
    }

    /** Draws many samples and checks each token's frequency against the reference within 5 sigma + 0.002. */
    static void assertMatchesReference(float[] logits, double temperature, int topK, double topP) {
        double[] expected = referenceDistribution(logits, temperature, topK, topP);
        Sampler sampler = new Sampler(params(temperature, topK, topP, 1234L), logits.length);
        int draws = 40_000;
        int[] counts = new int[logits.length];
        for (int d = 0; d < draws; d++) {
            counts[sampler.sample(logits, 0, logits.length)]++;
        }
        for (int i = 0; i < logits.length; i++) {
            double p = expected[i];
            double freq = counts[i] / (double) draws;
            if (p == 0) {
                assertEquals(0, counts[i], "token " + i + " is outside the allowed set but was drawn");
            } else {
                double sigma = Math.sqrt(p * (1 - p) / draws);
                assertEquals(p, freq, 5 * sigma + 0.002, "token " + i);
            }
        }
    }

    @Test
    void shouldPickArgmaxWhenGreedyAtAnyOffset() {
        float[] batch = new float[3 * 100];
        Random r = new Random(3);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = r.nextFloat();
        }
        batch[100 + 37] = 5f;
        Sampler sampler = new Sampler(SamplingParams.greedy(8), 100);

        assertEquals(37, sampler.sample(batch, 100, 100));
        batch[37] = 9f;
        batch[38] = 9f;
        assertEquals(37, sampler.sample(batch, 0, 100), "ties go to the lowest id");
    }

    @Test
    void shouldMatchSoftmaxFrequenciesWithTemperature() {
        assertMatchesReference(randomLogits(12, 1, 1.5), 0.7, 0, 1.0);
        assertMatchesReference(randomLogits(12, 2, 1.0), 1.8, 0, 1.0);
    }

    @Test
    void shouldNeverSampleOutsideTopK() {
        float[] logits = randomLogits(50, 4, 2.0);
        assertMatchesReference(logits, 1.0, 5, 1.0);
        double[] ref = referenceDistribution(logits, 1.0, 5, 1.0);
        assertEquals(5, Arrays.stream(ref).filter(p -> p > 0).count());
    }

    @Test
    void shouldRespectNucleusWithTopP() {
        float[] logits = randomLogits(40, 5, 2.0);
        assertMatchesReference(logits, 1.0, 0, 0.8);
        assertMatchesReference(logits, 0.5, 0, 0.3);
    }

    @Test
    void shouldApplyTopPWithinTopK() {
        assertMatchesReference(randomLogits(30, 6, 1.0), 1.2, 10, 0.7);
    }

    @Test
    void shouldWidenNucleusSearchForFlatDistributions() {
        // more than the first 64-candidate guess is needed: flat logits over 1000 tokens, top_p 0.5
        float[] logits = randomLogits(1000, 7, 0.01);
        double[] ref = referenceDistribution(logits, 1.0, 0, 0.5);
        long allowed = Arrays.stream(ref).filter(p -> p > 0).count();
        assertTrue(allowed > 400, "nucleus has " + allowed + " tokens");
        Sampler sampler = new Sampler(params(1.0, 0, 0.5, 9L), logits.length);
        for (int d = 0; d < 5000; d++) {
            int t = sampler.sample(logits, 0, logits.length);
            assertTrue(ref[t] > 0, "token " + t + " outside the nucleus");
        }
    }

    @Test
    void shouldHandleEqualLogitsInSelection() {
        float[] logits = new float[500];
        Arrays.fill(logits, 1f);
        logits[7] = 2f;
        Sampler sampler = new Sampler(params(1.0, 3, 1.0, 1L), logits.length);
        int sevens = 0;
        for (int d = 0; d < 2000; d++) {
            int t = sampler.sample(logits, 0, logits.length);
            if (t == 7) {
                sevens++;
            }
        }
        // top-3 = {7, two of the ties}: p(7) = e / (e + 2)
        assertEquals(Math.E / (Math.E + 2), sevens / 2000.0, 0.05);
    }

    @Test
    void shouldReproduceSameTokensForSameSeedWhateverTheBatchLayout() {
        int vocab = 300;
        float[][] steps = new float[20][];
        for (int s = 0; s < steps.length; s++) {
            steps[s] = randomLogits(vocab, 100 + s, 1.0);
        }
        SamplingParams p = new SamplingParams(20, 0.9, 40, 0.95, 42L, List.of(), List.of());
        Sampler alone = new Sampler(p, vocab);
        Sampler inBatch = new Sampler(p, vocab);
        Sampler other = new Sampler(new SamplingParams(20, 1.0, 0, 1.0, 7L, List.of(), List.of()), vocab);
        int[] a = new int[steps.length];
        int[] b = new int[steps.length];
        for (int s = 0; s < steps.length; s++) {
            a[s] = alone.sample(steps[s], 0, vocab);
            // in a batch of three rows, this sequence is row 2; another sequence samples first
            float[] batch = new float[3 * vocab];
            System.arraycopy(steps[(s + 5) % steps.length], 0, batch, 0, vocab);
            System.arraycopy(steps[s], 0, batch, 2 * vocab, vocab);
            other.sample(batch, 0, vocab);
            b[s] = inBatch.sample(batch, 2 * vocab, vocab);
        }

        assertArrayEquals(a, b);
        Sampler differentSeed = new Sampler(new SamplingParams(20, 0.9, 40, 0.95, 43L, List.of(), List.of()), vocab);
        int[] c = new int[steps.length];
        for (int s = 0; s < steps.length; s++) {
            c[s] = differentSeed.sample(steps[s], 0, vocab);
        }
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void shouldDrawARandomSeedWhenNoneIsGiven() {
        Sampler a = new Sampler(params(1.0, 0, 1.0, null), 10);
        Sampler b = new Sampler(params(1.0, 0, 1.0, null), 10);

        assertNotEquals(a.seed(), b.seed());
        assertEquals(99L, new Sampler(params(1.0, 0, 1.0, 99L), 10).seed());
    }

    @Test
    void shouldIgnoreMaskedTokensAndRejectNaN() {
        float[] logits = {Float.NEGATIVE_INFINITY, 1f, Float.NEGATIVE_INFINITY, 1f};
        Sampler sampler = new Sampler(params(1.0, 0, 1.0, 5L), 4);
        for (int d = 0; d < 200; d++) {
            int t = sampler.sample(logits, 0, 4);
            assertTrue(t == 1 || t == 3);
        }
        float[] nan = {0f, Float.NaN, 1f};
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Sampler(params(1.0, 0, 1.0, 5L), 3).sample(nan, 0, 3));
        assertTrue(e.getMessage().contains("token 1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new Sampler(SamplingParams.greedy(1), 3)
                .sample(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 0, 3));
    }

    @Test
    void shouldNotAllocatePerTokenInSteadyState() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] logits = randomLogits(32000, 8, 3.0);
        List<Sampler> samplers = new ArrayList<>();
        samplers.add(new Sampler(params(0.8, 0, 1.0, 1L), 32000));
        samplers.add(new Sampler(params(0.8, 50, 1.0, 1L), 32000));
        samplers.add(new Sampler(params(0.8, 50, 0.9, 1L), 32000));
        samplers.add(new Sampler(params(0.8, 0, 0.9, 1L), 32000));
        samplers.add(new Sampler(SamplingParams.greedy(1), 32000));
        for (Sampler s : samplers) {
            for (int i = 0; i < 200; i++) {
                s.sample(logits, 0, 32000); // warm up (JIT)
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                s.sample(logits, 0, 32000);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 10_000, s.params() + " allocated " + allocated + " bytes over 100 tokens");
        }
    }
}
