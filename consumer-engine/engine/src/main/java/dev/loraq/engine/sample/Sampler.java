package dev.loraq.engine.sample;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the next token of one sequence from its logits: greedy, or temperature sampling with optional top-k
 * and top-p (applied in that order, as Hugging Face and vLLM do: top-p's nucleus is taken within the top-k).
 *
 * <p>The random state belongs to the sequence: with a fixed seed the same logits give the same tokens whatever
 * other sequences share the batch and wherever this sequence's logits sit in the batch's logits array. The
 * generator is SplitMix64, spelled out here so results do not depend on the JDK's choice of algorithm.
 *
 * <p>All scratch space is allocated once per sequence; {@link #sample} allocates nothing. Top-k and top-p use
 * expected-linear selections over a preallocated index array (no sort), so a wide nucleus over a flat
 * distribution costs about as much as a peaked one. Not thread-safe: one instance per sequence.
 */
public final class Sampler {

    private final SamplingParams params;
    private final long seed;
    private long state;
    private final int[] idx;
    private final float[] weights;

    /**
     * @param params the request's sampling parameters
     * @param vocabSize the largest logits slice this sampler will see
     */
    public Sampler(SamplingParams params, int vocabSize) {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
        }
        this.params = params;
        this.seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
        this.state = seed;
        boolean needsScratch = !params.isGreedy();
        this.idx = needsScratch && (params.topK() > 0 || params.topP() < 1.0) ? new int[vocabSize] : new int[0];
        this.weights = needsScratch ? new float[vocabSize] : new float[0];
    }

    /** The seed in use (the request's, or the one drawn for it), for reporting and replay. */
    public long seed() {
        return seed;
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * Picks a token id in [0, length) from {@code logits[offset, offset + length)}.
     *
     * @throws IllegalStateException when a logit is NaN or +infinity, or all are -infinity
     */
    public int sample(float[] logits, int offset, int length) {
        if (params.isGreedy()) {
            return argmax(logits, offset, length);
        }
        if (length > weights.length) {
            throw new IllegalArgumentException("logits slice of " + length + " exceeds the vocabulary size "
                    + weights.length + " this sampler was made for");
        }
        float max = maxLogit(logits, offset, length);
        double total = ExpWeights.fill(logits, offset, length, max, (float) (1.0 / params.temperature()), weights);
        int topK = params.topK() > 0 && params.topK() < length ? params.topK() : 0;
        double topP = params.topP();
        if (topK == 0 && topP >= 1.0) {
            return pickAll(length, total);
        }
        for (int i = 0; i < length; i++) {
            idx[i] = i;
        }
        int candidates = length;
        double mass = total;
        if (topK > 0) {
            // weights are monotone in the logits, so the k largest weights are the top-k tokens
            CandidateSelection.selectTop(weights, 0, idx, length, topK);
            candidates = topK;
            mass = 0.0;
            for (int i = 0; i < topK; i++) {
                mass += weights[idx[i]];
            }
        }
        if (topP < 1.0) {
            candidates = CandidateSelection.selectNucleus(weights, idx, candidates, topP * mass);
            mass = 0.0;
            for (int i = 0; i < candidates; i++) {
                mass += weights[idx[i]];
            }
        }
        return pickAmong(candidates, mass);
    }

    /** The next uniform double in [0, 1) of this sequence's stream. */
    double nextDouble() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    private int pickAll(int length, double total) {
        double r = nextDouble() * total;
        double cum = 0.0;
        int last = 0;
        for (int i = 0; i < length; i++) {
            float w = weights[i];
            if (w > 0f) {
                cum += w;
                last = i;
                if (r < cum) {
                    return i;
                }
            }
        }
        return last; // rounding: r landed on the total
    }

    /** Samples among idx[0, m), proportional to their weights. */
    private int pickAmong(int m, double total) {
        double r = nextDouble() * total;
        double cum = 0.0;
        int last = idx[0];
        for (int i = 0; i < m; i++) {
            float w = weights[idx[i]];
            if (w > 0f) {
                cum += w;
                last = idx[i];
                if (r < cum) {
                    return idx[i];
                }
            }
        }
        return last;
    }

    private static int argmax(float[] logits, int offset, int length) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float v = logits[offset + i];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            } else if (v != v) {
                throw nanLogit(offset, i);
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no finite logit in slice [" + offset + ", " + (offset + length)
                    + "): all are -infinity");
        }
        return best;
    }

    private static float maxLogit(float[] logits, int offset, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float v = logits[offset + i];
            if (v > max) {
                max = v;
            } else if (v != v) {
                throw nanLogit(offset, i);
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("no finite logit in slice [" + offset + ", " + (offset + length)
                    + "): all are -infinity");
        }
        if (max == Float.POSITIVE_INFINITY) {
            throw new IllegalStateException("logit +infinity in slice [" + offset + ", " + (offset + length) + ")");
        }
        return max;
    }

    private static IllegalStateException nanLogit(int offset, int i) {
        return new IllegalStateException("NaN logit for token " + i + " (array index " + (offset + i) + ")");
    }
}
