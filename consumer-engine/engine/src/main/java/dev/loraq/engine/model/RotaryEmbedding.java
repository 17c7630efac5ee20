package dev.loraq.engine.model;

/** RoPE inverse frequencies (with Llama 3 scaling when configured) and the cos/sin of a position. */
public final class RotaryEmbedding {
    private final double[] invFreq;

    public RotaryEmbedding(ModelConfig config) {
        int half = config.headDim() / 2;
        invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        }
        RopeScaling s = config.ropeScaling();
        if (s != null) {
            // Same rule as transformers' _compute_llama3_parameters.
            double oldLen = s.originalMaxPositionEmbeddings();
            double lowWavelen = oldLen / s.lowFreqFactor();
            double highWavelen = oldLen / s.highFreqFactor();
            for (int i = 0; i < half; i++) {
                double freq = invFreq[i];
                double wavelen = 2 * Math.PI / freq;
                if (wavelen < highWavelen) {
                    continue;
                }
                if (wavelen > lowWavelen) {
                    invFreq[i] = freq / s.factor();
                } else {
                    double smooth = (oldLen / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                    invFreq[i] = (1 - smooth) * freq / s.factor() + smooth * freq;
                }
            }
        }
    }

    /** Fills cos[off..off+headDim/2) and sin[off..off+headDim/2) for a position. */
    public void cosSin(int position, float[] cos, float[] sin, int off) {
        for (int i = 0; i < invFreq.length; i++) {
            double angle = position * invFreq[i];
            cos[off + i] = (float) Math.cos(angle);
            sin[off + i] = (float) Math.sin(angle);
        }
    }

    public double[] inverseFrequencies() {
        return invFreq.clone();
    }
}
