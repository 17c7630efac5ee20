package dev.loraq.engine.model;

import java.util.List;

/**
 * One decoder layer's tensors as stored, shapes checked against the config: the two norms and the seven
 * projections, listed in {@link Projection} order.
 */
public record StoredLayer(StoredTensor inputNorm, StoredTensor postAttentionNorm, List<StoredTensor> projections) {

    public StoredLayer {
        if (projections.size() != Projection.values().length) {
            throw new IllegalArgumentException("a layer has " + Projection.values().length + " projections, got "
                    + projections.size());
        }
        projections = List.copyOf(projections);
    }

    public StoredTensor projection(Projection p) {
        return projections.get(p.ordinal());
    }
}
