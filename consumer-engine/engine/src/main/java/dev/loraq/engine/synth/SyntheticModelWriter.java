package dev.loraq.engine.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.SafetensorsWriter;
import dev.loraq.engine.tensor.DType;

/**
 * Writes a Llama model folder (config.json + model.safetensors in bf16) with seeded random weights.
 * Scales keep activations near unit RMS through the layers: projections ~ 1/sqrt(fan_in), norms ~ 1,
 * lm_head ~ 2/sqrt(hidden) so logits are peaked enough that greedy choices are stable.
 */
public final class SyntheticModelWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticModelWriter.class);

    private SyntheticModelWriter() {
    }

    public static ModelConfig write(Path dir, ModelPreset preset, long seed) {
        return write(dir, preset.toConfig(), seed, DType.BF16);
    }

    /** Writes any Llama config (tests use this for other dtypes and odd shapes). */
    public static ModelConfig write(Path dir, ModelConfig config, long seed, DType dtype) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(config.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
        SafetensorsWriter w = new SafetensorsWriter();
        int h = config.hiddenSize();
        matrix(w, "model.embed_tokens.weight", config.vocabSize(), h, 1.0, seed, dtype);
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            norm(w, p + "input_layernorm.weight", h, seed, dtype);
            for (Projection pr : Projection.values()) {
                int in = config.inFeatures(pr);
                matrix(w, p + pr.block() + "." + pr.moduleName() + ".weight", config.outFeatures(pr), in,
                        1.0 / Math.sqrt(in), seed, dtype);
            }
            norm(w, p + "post_attention_layernorm.weight", h, seed, dtype);
        }
        norm(w, "model.norm.weight", h, seed, dtype);
        if (!config.tieWordEmbeddings()) {
            matrix(w, "lm_head.weight", config.vocabSize(), h, 2.0 / Math.sqrt(h), seed, dtype);
        }
        w.write(dir.resolve("model.safetensors"));
        LOG.info("synthetic model written dir={} params={} dtype={} ms={}", dir, config.parameterCount(), dtype,
                (System.nanoTime() - start) / 1_000_000);
        return config;
    }

    private static void matrix(SafetensorsWriter w, String name, int rows, int cols, double std, long seed, DType dtype) {
        long s = SeededFill.seedFor(seed, name);
        float amp = SeededFill.amplitudeForStd(std);
        w.add(name, dtype, new long[] {rows, cols}, seg -> SeededFill.fill(seg, dtype, (long) rows * cols, s, 0f, amp));
    }

    private static void norm(SafetensorsWriter w, String name, int size, long seed, DType dtype) {
        long s = SeededFill.seedFor(seed, name);
        w.add(name, dtype, new long[] {size}, seg -> SeededFill.fill(seg, dtype, size, s, 1f, 0.1f));
    }
}
