package dev.loraq.engine.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.loraq.engine.backend.cpu.CpuBackend;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;

/**
 * The {@code lora-overhead} scenario: a batch of sequences spread over several adapters (all seven
 * projections) decodes in lock step, and the same batch decodes again with no adapter; reports both
 * throughputs and their ratio (LoRA / base), measured in one run on one backend: the two legs alternate in
 * {@link AlternatingRounds} of {@code steps} steps each, and the figures are medians over the rounds.
 */
public final class LoraOverheadBench {
    /** @param steps decode steps of each leg in each round */
    public record Settings(String preset, int sequences, int adapters, int rank, int steps, int warmup, int threads) {
        public static Settings defaults() {
            return new Settings("1b", 32, 8, 16, 3, 2, 0);
        }
    }

    private LoraOverheadBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Set<Projection> all = EnumSet.allOf(Projection.class);
        int[] loraSlots = new int[s.sequences()];
        int[] baseSlots = new int[s.sequences()];
        for (int i = 0; i < s.sequences(); i++) {
            loraSlots[i] = i % s.adapters();
            baseSlots[i] = -1;
        }
        int tokens = s.steps() * AlternatingRounds.MAX_ROUNDS + s.warmup() + 1;
        int kvBlocks = 2 * s.sequences() * (tokens / 16 + 1);
        try (LlamaModel model = LlamaModel.load(dir);
             CpuBackend backend = new CpuBackend(model, new BackendOptions(s.adapters(), s.rank(), kvBlocks, 16,
                     s.sequences(), WeightFormat.BF16, s.threads()))) {
            for (int a = 0; a < s.adapters(); a++) {
                Path adapterDir = BenchModels.adapter(cacheDir, preset, s.rank(), all, a);
                backend.installAdapter(a, BenchModels.loadAdapter(adapterDir, "bench-" + a, s.rank(), all, model.config()));
            }
            KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
            DecodeLoop baseLoop = new DecodeLoop(backend, kv, baseSlots, 1);
            DecodeLoop loraLoop = new DecodeLoop(backend, kv, loraSlots, 1);
            baseLoop.run(s.warmup());
            loraLoop.run(s.warmup());
            AlternatingRounds.Result rounds = AlternatingRounds.run(
                    () -> DecodeLoop.median(loraLoop.run(s.steps())),
                    () -> DecodeLoop.median(baseLoop.run(s.steps())),
                    (loraStep, baseStep) -> baseStep / loraStep);
            baseLoop.release();
            loraLoop.release();
            double base = s.sequences() / rounds.medianSecondSeconds();
            double lora = s.sequences() / rounds.medianFirstSeconds();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", "lora-overhead");
            out.put("preset", preset.name());
            out.put("sequences", s.sequences());
            out.put("adapters", s.adapters());
            out.put("rank", s.rank());
            out.put("targets", "all 7 projections");
            out.put("steps", s.steps());
            out.put("baseTokensPerSecond", DecodeLoop.round(base, 2));
            out.put("loraTokensPerSecond", DecodeLoop.round(lora, 2));
            // The median of the per-round ratios, not the ratio of the legs' medians: each ratio pairs legs run
            // back to back.
            out.put("loraOverBaseThroughput", DecodeLoop.round(rounds.medianRatio(), 3));
            out.putAll(rounds.figures());
            return out;
        }
    }
}
