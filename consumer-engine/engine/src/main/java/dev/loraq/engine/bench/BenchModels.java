package dev.loraq.engine.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import dev.loraq.engine.lora.AdapterConfig;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.engine.synth.SyntheticModelWriter;

/**
 * The synthetic models and adapters the benchmark scenarios use, generated once into a cache folder and
 * reused by later runs (a "complete" marker guards against half-written folders).
 */
public final class BenchModels {
    private static final long MODEL_SEED = 20261128L;

    private BenchModels() {
    }

    /** The folder of a preset's model under {@code cacheDir}, written first when absent. */
    public static Path model(Path cacheDir, ModelPreset preset) {
        Path dir = cacheDir.resolve("model-" + preset.name());
        Path marker = dir.resolve(".complete");
        if (!Files.exists(marker)) {
            SyntheticModelWriter.write(dir, preset, MODEL_SEED);
            touch(marker);
        }
        return dir;
    }

    /** The folder of a synthetic adapter for a preset, written first when absent. */
    public static Path adapter(Path cacheDir, ModelPreset preset, int rank, Set<Projection> targets, int index) {
        Path dir = cacheDir.resolve("adapters-" + preset.name()).resolve("r" + rank + "-" + targets.size() + "p-" + index);
        Path marker = dir.resolve(".complete");
        if (!Files.exists(marker)) {
            SyntheticAdapterWriter.write(dir, preset.toConfig(), rank, 2.0 * rank, targets, 1000L + index);
            touch(marker);
        }
        return dir;
    }

    /** The adapter config {@link #adapter} writes. */
    public static AdapterConfig adapterConfig(int rank, Set<Projection> targets) {
        return new AdapterConfig(rank, 2.0 * rank, targets, false, "synthetic");
    }

    /** Loads an adapter {@link #adapter} wrote. */
    public static LoraWeights loadAdapter(Path adapterDir, String id, int rank, Set<Projection> targets, ModelConfig base) {
        return LoraWeights.load(id, adapterConfig(rank, targets), adapterDir.resolve(SyntheticAdapterWriter.WEIGHTS_FILE), base);
    }

    private static void touch(Path marker) {
        try {
            Files.writeString(marker, "ok\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
