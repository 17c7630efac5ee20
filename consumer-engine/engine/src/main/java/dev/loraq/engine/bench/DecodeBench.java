package dev.loraq.engine.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.loraq.engine.backend.cpu.CpuBackend;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.tensor.NativeKernels;

/**
 * The {@code decode} scenario: one sequence decoding greedily from an empty context, base model, in BF16 and
 * INT8 (like {@code llama-bench -p 0 -n 32}), bf16 weights read from the model file's mapping (weight.mmap's
 * default, llama-bench's too), and BF16 once more from a copy in anonymous memory ({@code bf16_anon},
 * weight.mmap=false).
 * Reports the median step time over the measured tokens, tokens/s and the implied weight streaming rate (weight
 * bytes per token / step time).
 */
public final class DecodeBench {
    /** One measured configuration, reported under {@code name}. */
    private record Leg(String name, WeightFormat format, boolean mmap) {
    }

    private static final List<Leg> LEGS = List.of(new Leg("bf16", WeightFormat.BF16, true),
            new Leg("int8", WeightFormat.INT8, true), new Leg("bf16_anon", WeightFormat.BF16, false));

    /** @param tokens measured decode steps per format, after {@code warmup} unmeasured ones */
    public record Settings(String preset, int tokens, int warmup, int threads) {
        public static Settings defaults() {
            return new Settings("1b", 32, 4, 0);
        }
    }

    private DecodeBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "decode");
        out.put("preset", preset.name());
        out.put("tokens", s.tokens());
        out.put("matmul", NativeKernels.describe());
        for (Leg leg : LEGS) {
            try (LlamaModel model = LlamaModel.load(dir);
                 CpuBackend backend = new CpuBackend(model, new BackendOptions(1, 16,
                         (s.tokens() + s.warmup()) / 16 + 2, 16, 1, leg.format(), s.threads()).withMmapWeights(leg.mmap()))) {
                DecodeLoop loop = new DecodeLoop(backend, new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks()),
                        new int[] {-1}, preset.bosTokenId());
                loop.run(s.warmup());
                double[] steps = loop.run(s.tokens());
                loop.release();
                double median = DecodeLoop.median(steps);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("memory", backend.weightMemory());
                r.put("threads", s.threads() == 0 ? Runtime.getRuntime().availableProcessors() : s.threads());
                r.put("weightBytesPerToken", backend.streamedBytesPerToken());
                r.put("medianMsPerToken", DecodeLoop.round(median * 1000, 2));
                r.put("tokensPerSecond", DecodeLoop.round(1 / median, 2));
                r.put("meanTokensPerSecond", DecodeLoop.round(steps.length / DecodeLoop.sum(steps), 2));
                // The fastest step shows what the code does when nothing else competes for the cores.
                double best = java.util.Arrays.stream(steps).min().orElseThrow();
                r.put("bestTokensPerSecond", DecodeLoop.round(1 / best, 2));
                r.put("bestImpliedGBps", DecodeLoop.round(backend.streamedBytesPerToken() / best / 1e9, 2));
                r.put("impliedGBps", DecodeLoop.round(backend.streamedBytesPerToken() / median / 1e9, 2));
                out.put(leg.name(), r);
            }
        }
        return out;
    }
}
