package dev.loraq.engine.bench;

import dev.loraq.engine.backend.cpu.CpuBackend;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code batch-sweep} scenario: decode throughput of one mixed batch over a grid of batch sizes and numbers of
 * distinct adapters in the batch (rows spread evenly over the adapters), on one backend in one run, so the curves
 * show what batching buys and what mixing adapters costs. Prints points that {@code ops/bench-charts.sh} draws.
 */
public final class BatchSweepBench {

    public record Settings(String preset, List<Integer> batches, List<Integer> adapters, int rank, int steps,
                           int warmup, int threads) {
        public static Settings defaults() {
            return new Settings("1b", List.of(1, 2, 4, 8, 16, 32), List.of(1, 4, 16), 16, 3, 1, 0);
        }
    }

    private BatchSweepBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Set<Projection> all = EnumSet.allOf(Projection.class);
        int maxBatch = s.batches().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int maxAdapters = s.adapters().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int tokens = s.steps() + s.warmup() + 1;
        int kvBlocks = maxBatch * (tokens / 16 + 2);
        List<Map<String, Object>> points = new ArrayList<>();
        try (LlamaModel model = LlamaModel.load(dir);
             CpuBackend backend = new CpuBackend(model, new BackendOptions(maxAdapters, s.rank(), kvBlocks, 16,
                     maxBatch, WeightFormat.BF16, s.threads()))) {
            for (int a = 0; a < maxAdapters; a++) {
                Path adapterDir = BenchModels.adapter(cacheDir, preset, s.rank(), all, a);
                backend.installAdapter(a, BenchModels.loadAdapter(adapterDir, "bench-" + a, s.rank(), all, model.config()));
            }
            KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
            for (int adapters : s.adapters()) {
                for (int batch : s.batches()) {
                    if (adapters > batch) {
                        continue;
                    }
                    int[] slots = new int[batch];
                    for (int i = 0; i < batch; i++) {
                        slots[i] = i % adapters;
                    }
                    DecodeLoop loop = new DecodeLoop(backend, kv, slots, 1);
                    loop.run(s.warmup());
                    double step = DecodeLoop.median(loop.run(s.steps()));
                    loop.release();
                    Map<String, Object> point = new LinkedHashMap<>();
                    point.put("batch", batch);
                    point.put("adapters", adapters);
                    point.put("tokens_per_s", DecodeLoop.round(batch / step, 2));
                    points.add(point);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "batch-sweep");
        out.put("preset", preset.name());
        out.put("rank", s.rank());
        out.put("points", points);
        return out;
    }
}
