package dev.loraq.engine.sample;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unnormalized softmax weights {@code exp((logit - max) / T)} over a logits slice: the one pass over the whole
 * vocabulary that every sampled token pays, so it uses the Vector API (lane-wise EXP). The scalar loop handles
 * the tail and is the reference the tests compare against. Results may differ from {@link Math#exp} in the last
 * bits and by vector width, so per-seed reproducibility holds on one machine type, not bit-for-bit across CPUs.
 */
final class ExpWeights {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private ExpWeights() {
    }

    /** Writes the weights of {@code logits[offset, offset + length)} to {@code out[0, length)}, returns their sum. */
    static double fill(float[] logits, int offset, int length, float max, float invT, float[] out) {
        int i = 0;
        int bound = SPECIES.loopBound(length);
        FloatVector vMax = FloatVector.broadcast(SPECIES, max);
        FloatVector vInv = FloatVector.broadcast(SPECIES, invT);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector w = FloatVector.fromArray(SPECIES, logits, offset + i).sub(vMax).mul(vInv)
                    .lanewise(VectorOperators.EXP);
            w.intoArray(out, i);
            acc = acc.add(w);
        }
        double total = acc.reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            float w = (float) Math.exp((logits[offset + i] - max) * invT);
            out[i] = w;
            total += w;
        }
        return total;
    }

    /** Plain reference of {@link #fill}. */
    static double fillScalar(float[] logits, int offset, int length, float max, float invT, float[] out) {
        double total = 0.0;
        for (int i = 0; i < length; i++) {
            float w = (float) Math.exp((logits[offset + i] - max) * invT);
            out[i] = w;
            total += w;
        }
        return total;
    }
}
