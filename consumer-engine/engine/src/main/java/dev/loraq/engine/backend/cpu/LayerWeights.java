package dev.loraq.engine.backend.cpu;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.tensor.WeightMatrix;

/** One decoder layer's weights in the CPU layout; norms as f32, projections in the compute format. */
record LayerWeights(float[] inputNorm, WeightMatrix q, WeightMatrix k, WeightMatrix v, WeightMatrix o,
                    float[] postAttentionNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {

    WeightMatrix projection(Projection p) {
        return switch (p) {
            case Q -> q;
            case K -> k;
            case V -> v;
            case O -> o;
            case GATE -> gate;
            case UP -> up;
            case DOWN -> down;
        };
    }
}
