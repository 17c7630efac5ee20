package dev.loraq.engine.synth;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A complete synthetic Hugging Face model folder (weights, config, tokenizer, chat template, generation config)
 * and a folder of PEFT adapters for it: what tests, benchmarks and the demo run on. Real models load the same way.
 */
public final class SyntheticModelFolder {

    private SyntheticModelFolder() {
    }

    /** Writes config.json, model.safetensors (bf16), tokenizer.json, tokenizer_config.json, generation_config.json. */
    public static ModelConfig write(Path modelDir, ModelPreset preset, long seed) throws IOException {
        ModelConfig config = SyntheticModelWriter.write(modelDir, preset, seed);
        SyntheticTokenizer.write(modelDir, preset.vocabSize(), preset.bosTokenId(), preset.eosTokenId(),
                preset.maxPositionEmbeddings());
        return config;
    }

    /**
     * Writes {@code count} adapters named {@code <prefix>-00, <prefix>-01, ...}, cycling through {@code ranks}.
     *
     * @return the adapter ids written
     */
    public static List<String> writeAdapters(Path adaptersDir, ModelConfig base, String prefix, int count,
                                             List<Integer> ranks, Set<Projection> targets, long seed) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%s-%02d", prefix, i);
            int rank = ranks.get(i % ranks.size());
            SyntheticAdapterWriter.write(adaptersDir.resolve(id), base, rank, 2.0 * rank, targets, seed + 1000L * (i + 1));
            ids.add(id);
        }
        return ids;
    }
}
