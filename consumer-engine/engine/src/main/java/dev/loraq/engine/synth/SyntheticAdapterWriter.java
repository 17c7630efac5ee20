package dev.loraq.engine.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.SafetensorsWriter;
import dev.loraq.engine.tensor.DType;

/**
 * Writes a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) with seeded random,
 * non-zero A and B (unlike PEFT's initialization, where B starts at zero), sized so that an adapter
 * visibly moves the logits: A ~ 1/sqrt(in), B ~ 0.5/sqrt(r), times lora_alpha / r.
 */
public final class SyntheticAdapterWriter {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private SyntheticAdapterWriter() {
    }

    public static void write(Path adapterDir, ModelConfig base, int rank, double alpha, Set<Projection> targets, long seed) {
        write(adapterDir, base, rank, alpha, targets, seed, DType.F32);
    }

    public static void write(Path adapterDir, ModelConfig base, int rank, double alpha, Set<Projection> targets, long seed,
                             DType dtype) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = json.createObjectNode();
        cfg.put("peft_type", "LORA");
        cfg.put("task_type", "CAUSAL_LM");
        cfg.put("r", rank);
        cfg.put("lora_alpha", alpha);
        cfg.put("lora_dropout", 0.0);
        cfg.put("bias", "none");
        cfg.put("use_rslora", false);
        cfg.put("base_model_name_or_path", "loraq-synthetic-" + base.hiddenSize() + "x" + base.numHiddenLayers());
        ArrayNode tm = cfg.putArray("target_modules");
        targets.stream().sorted().forEach(p -> tm.add(p.moduleName()));
        try {
            Files.createDirectories(adapterDir);
            Files.writeString(adapterDir.resolve(CONFIG_FILE), json.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + adapterDir.resolve(CONFIG_FILE), e);
        }
        SafetensorsWriter w = new SafetensorsWriter();
        for (int l = 0; l < base.numHiddenLayers(); l++) {
            for (Projection p : targets) {
                int in = base.inFeatures(p);
                int out = base.outFeatures(p);
                String a = LoraWeights.peftKey(l, p, true);
                String b = LoraWeights.peftKey(l, p, false);
                long sa = SeededFill.seedFor(seed, a);
                long sb = SeededFill.seedFor(seed, b);
                float ampA = SeededFill.amplitudeForStd(1.0 / Math.sqrt(in));
                float ampB = SeededFill.amplitudeForStd(0.5 / Math.sqrt(rank));
                w.add(a, dtype, new long[] {rank, in}, seg -> SeededFill.fill(seg, dtype, (long) rank * in, sa, 0f, ampA));
                w.add(b, dtype, new long[] {out, rank}, seg -> SeededFill.fill(seg, dtype, (long) out * rank, sb, 0f, ampB));
            }
        }
        w.write(adapterDir.resolve(WEIGHTS_FILE));
    }
}
