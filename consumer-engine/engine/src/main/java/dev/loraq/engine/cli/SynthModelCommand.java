package dev.loraq.engine.cli;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** Writes a synthetic model folder with seeded random weights, and PEFT adapters for it. */
@Command(name = "synth-model", mixinStandardHelpOptions = true,
        description = "Writes a complete Hugging Face model folder (config.json, model.safetensors, tokenizer.json, "
                + "tokenizer_config.json with a chat template, generation_config.json) with seeded random weights, "
                + "plus N PEFT LoRA adapters.")
final class SynthModelCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Model folder to write.")
    Path out;

    @Option(names = "--preset", defaultValue = "tiny", description = "Model shape: tiny, small or 1b (TinyLlama-1.1B's shapes). Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random weights. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--adapters", defaultValue = "0", description = "Number of adapters to write. Default: ${DEFAULT-VALUE}.")
    int adapters;

    @Option(names = "--adapters-dir", description = "Folder for the adapters. Default: <out>/adapters.")
    Path adaptersDir;

    @Option(names = "--adapter-prefix", defaultValue = "adapter", description = "Adapter ids are <prefix>-00, <prefix>-01, ... Default: ${DEFAULT-VALUE}.")
    String prefix;

    @Option(names = "--ranks", split = ",", defaultValue = "8,16", description = "Adapter ranks, cycled. Default: ${DEFAULT-VALUE}.")
    List<Integer> ranks;

    @Option(names = "--targets", split = ",", defaultValue = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
            description = "Target modules of the adapters. Default: all seven projections.")
    List<String> targets;

    @Override
    public Integer call() throws Exception {
        ModelPreset p = ModelPreset.byName(preset);
        Set<Projection> projections = new LinkedHashSet<>();
        for (String t : targets) {
            Projection proj = Projection.fromModuleName(t.trim());
            if (proj == null) {
                throw new IllegalArgumentException("unknown target module '" + t + "'; known: "
                        + EnumSet.allOf(Projection.class).stream().map(Projection::moduleName).toList());
            }
            projections.add(proj);
        }
        long start = System.nanoTime();
        ModelConfig config = SyntheticModelFolder.write(out, p, seed);
        System.out.printf("model %s (%s preset, %.2f B parameters) written to %s%n", out.getFileName(), p.name(),
                config.parameterCount() / 1e9, out);
        if (adapters > 0) {
            Path dir = adaptersDir != null ? adaptersDir : out.resolve("adapters");
            List<String> ids = SyntheticModelFolder.writeAdapters(dir, config, prefix, adapters, ranks, projections, seed);
            System.out.printf("%d adapters written to %s: %s%n", ids.size(), dir, ids);
        }
        System.out.printf("took %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
