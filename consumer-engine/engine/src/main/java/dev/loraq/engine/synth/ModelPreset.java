package dev.loraq.engine.synth;

import java.util.List;

import dev.loraq.engine.model.ModelConfig;

/**
 * Shapes of synthetic Llama models. {@code 1b} has TinyLlama-1.1B's exact shapes, so its speed stands for a
 * real 1.1B model; {@code tiny} is for fast tests. The synthetic tokenizer produces exactly
 * {@link #vocabSize()} tokens with the bos/eos ids given here.
 */
public record ModelPreset(String name, int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                          int numKeyValueHeads, int vocabSize, int maxPositionEmbeddings, double ropeTheta,
                          int bosTokenId, int eosTokenId) {

    public static final ModelPreset TINY = new ModelPreset("tiny", 64, 172, 2, 4, 2, 512, 512, 10000.0, 1, 2);
    public static final ModelPreset SMALL = new ModelPreset("small", 256, 688, 4, 8, 4, 2048, 1024, 10000.0, 1, 2);
    public static final ModelPreset ONE_B = new ModelPreset("1b", 2048, 5632, 22, 32, 4, 32000, 2048, 10000.0, 1, 2);

    public static final List<ModelPreset> ALL = List.of(TINY, SMALL, ONE_B);

    /** The preset with this name; throws listing the known names. */
    public static ModelPreset byName(String name) {
        for (ModelPreset p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown model preset '" + name + "'; known: "
                + ALL.stream().map(ModelPreset::name).toList());
    }

    /** The config.json this preset writes. */
    public ModelConfig toConfig() {
        return new ModelConfig("LlamaForCausalLM", hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, hiddenSize / numAttentionHeads, vocabSize, maxPositionEmbeddings, 1e-5, ropeTheta, null,
                false, bosTokenId, List.of(eosTokenId));
    }
}
