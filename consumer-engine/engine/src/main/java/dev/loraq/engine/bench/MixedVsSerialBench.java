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
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;

/**
 * The {@code mixed-vs-serial} scenario: N adapters x M sequences decode either in one mixed batch (one step
 * serves every adapter) or adapter by adapter in N batches of M run one after another (what a server that
 * cannot mix adapters does). Reports both throughputs, their ratio, and the mixed batch's GFLOP/s. The two legs
 * alternate in {@link AlternatingRounds} of {@code steps} steps each (a serial step is one step of every batch); the
 * figures are medians over the rounds.
 */
public final class MixedVsSerialBench {
    /** @param steps decode steps of each leg in each round */
    public record Settings(String preset, int adapters, int sequencesPerAdapter, int rank, int steps, int warmup,
                           int threads) {
        public static Settings defaults() {
            return new Settings("1b", 16, 2, 16, 3, 2, 0);
        }
    }

    private MixedVsSerialBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Set<Projection> all = EnumSet.allOf(Projection.class);
        int rows = s.adapters() * s.sequencesPerAdapter();
        int tokens = s.steps() * AlternatingRounds.MAX_ROUNDS + s.warmup() + 1;
        int kvBlocks = 2 * rows * (tokens / 16 + 1);
        try (LlamaModel model = LlamaModel.load(dir);
             CpuBackend backend = new CpuBackend(model, new BackendOptions(s.adapters(), s.rank(), kvBlocks, 16, rows,
                     WeightFormat.BF16, s.threads()))) {
            for (int a = 0; a < s.adapters(); a++) {
                Path adapterDir = BenchModels.adapter(cacheDir, preset, s.rank(), all, a);
                backend.installAdapter(a, BenchModels.loadAdapter(adapterDir, "bench-" + a, s.rank(), all, model.config()));
            }
            int[] mixed = new int[rows];
            for (int i = 0; i < rows; i++) {
                mixed[i] = i % s.adapters();
            }
            KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
            DecodeLoop mixedLoop = new DecodeLoop(backend, kv, mixed, 1);
            mixedLoop.run(s.warmup());
            DecodeLoop[] serial = new DecodeLoop[s.adapters()];
            for (int a = 0; a < s.adapters(); a++) {
                int[] slots = new int[s.sequencesPerAdapter()];
                java.util.Arrays.fill(slots, a);
                serial[a] = new DecodeLoop(backend, kv, slots, 1);
                serial[a].run(s.warmup());
            }
            AlternatingRounds.Result rounds = AlternatingRounds.run(
                    () -> DecodeLoop.median(mixedLoop.run(s.steps())),
                    () -> serialStep(serial, s.steps()),
                    (mixedStep, serialStep) -> serialStep / mixedStep);
            mixedLoop.release();
            for (DecodeLoop loop : serial) {
                loop.release();
            }
            double mixedStep = rounds.medianFirstSeconds();
            double serialRound = rounds.medianSecondSeconds();
            double flops = flopsPerStep(model.config(), rows, s.rank(), s.warmup() + rounds.rounds() * s.steps() / 2);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", "mixed-vs-serial");
            out.put("preset", preset.name());
            out.put("adapters", s.adapters());
            out.put("sequencesPerAdapter", s.sequencesPerAdapter());
            out.put("rank", s.rank());
            out.put("mixedTokensPerSecond", DecodeLoop.round(rows / mixedStep, 2));
            out.put("serialTokensPerSecond", DecodeLoop.round(rows / serialRound, 2));
            // The median of the per-round ratios: each pairs legs run back to back.
            out.put("mixedOverSerialThroughput", DecodeLoop.round(rounds.medianRatio(), 3));
            out.put("mixedGflopPerSecond", DecodeLoop.round(flops / mixedStep / 1e9, 1));
            out.putAll(rounds.figures());
            return out;
        }
    }

    /** The median time of one serial step (one step of every adapter's batch, one after another) over {@code steps}. */
    private static double serialStep(DecodeLoop[] serial, int steps) {
        double[] seconds = new double[steps];
        for (int step = 0; step < steps; step++) {
            for (DecodeLoop loop : serial) {
                seconds[step] += loop.run(1)[0];
            }
        }
        return DecodeLoop.median(seconds);
    }

    /** Multiply-adds x 2 of one decode step: projections, LoRA shrink/expand, attention, lm_head for every row. */
    static double flopsPerStep(ModelConfig c, int rows, int rank, int context) {
        double perRow = 0;
        for (Projection p : Projection.values()) {
            perRow += 2.0 * c.inFeatures(p) * c.outFeatures(p) + 2.0 * rank * (c.inFeatures(p) + c.outFeatures(p));
        }
        perRow += 4.0 * c.queryDim() * (context + 1);
        perRow *= c.numHiddenLayers();
        perRow += 2.0 * c.hiddenSize() * c.vocabSize();
        return perRow * rows;
    }
}
