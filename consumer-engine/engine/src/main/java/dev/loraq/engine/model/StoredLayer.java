package dev.loraq.engine.model;

/** One decoder layer's tensors as stored: the two norms and the seven projections, shapes checked against the config. */
public record StoredLayer(StoredTensor inputNorm, StoredTensor q, StoredTensor k, StoredTensor v, StoredTensor o,
                          StoredTensor postAttentionNorm, StoredTensor gate, StoredTensor up, StoredTensor down) {

    public StoredTensor projection(Projection p) {
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
