package dev.loraq.engine.model;

import dev.loraq.engine.tensor.WeightMatrix;

/** One decoder layer's weights; norms as f32, projections in the compute format. */
public record LayerWeights(float[] inputNorm, WeightMatrix q, WeightMatrix k, WeightMatrix v, WeightMatrix o,
                           float[] postAttentionNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {

    public WeightMatrix projection(Projection p) {
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
