package dev.loraq.engine;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.engine.synth.SyntheticModelFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny synthetic model with adapters, written once per test JVM and shared by the engine tests: adapters
 * {@code a-00..a-05} of ranks 4/8/16 over all projections, {@code attn-only} (q,v, rank 8), {@code big-rank}
 * (rank 32), {@code wrong-shape} (written for another model's shapes) and {@code pickle-only} (a .bin file).
 */
public final class TestModels {

    private static Path root;

    private TestModels() {
    }

    public static synchronized Path tinyModel() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("loraq-engine-test");
                Path model = root.resolve("tiny");
                ModelConfig config = SyntheticModelFolder.write(model, ModelPreset.TINY, 11);
                Path adapters = adaptersDir();
                SyntheticModelFolder.writeAdapters(adapters, config, "a", 6, List.of(4, 8, 16),
                        EnumSet.allOf(Projection.class), 5);
                SyntheticAdapterWriter.write(adapters.resolve("attn-only"), config, 8, 16, Set.of(Projection.Q, Projection.V), 77);
                SyntheticAdapterWriter.write(adapters.resolve("big-rank"), config, 32, 32, Set.of(Projection.Q), 78);
                SyntheticAdapterWriter.write(adapters.resolve("wrong-shape"), ModelPreset.SMALL.toConfig(), 4, 8,
                        Set.of(Projection.Q), 79);
                Path pickle = Files.createDirectories(adapters.resolve("pickle-only"));
                Files.writeString(pickle.resolve("adapter_config.json"),
                        "{\"r\": 4, \"lora_alpha\": 8, \"target_modules\": [\"q_proj\"], \"peft_type\": \"LORA\"}");
                Files.write(pickle.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root.resolve("tiny");
    }

    public static Path adaptersDir() {
        return root.resolve("adapters");
    }

    /** Engine settings for tests: the tiny model and its adapters, with overrides (key, value, key, value...). */
    public static EngineConfig config(Object... overrides) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(EngineConfig.MODEL_DIR, tinyModel().toString());
        p.put(EngineConfig.ADAPTERS_DIR, adaptersDir().toString());
        p.put(EngineConfig.MAX_LORAS, 4);
        p.put(EngineConfig.MAX_CPU_LORAS, 8);
        p.put(EngineConfig.MAX_LORA_RANK, 16);
        p.put(EngineConfig.MAX_NUM_SEQS, 16);
        p.put(EngineConfig.MAX_NUM_BATCHED_TOKENS, 64);
        p.put(EngineConfig.KV_CACHE_TOKENS, 8192);
        for (int i = 0; i < overrides.length; i += 2) {
            p.put((String) overrides[i], overrides[i + 1]);
        }
        return new EngineConfig(p);
    }
}
