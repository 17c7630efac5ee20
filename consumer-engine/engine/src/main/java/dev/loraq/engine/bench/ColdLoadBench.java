package dev.loraq.engine.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.loraq.engine.backend.cpu.CpuBackend;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.synth.ModelPreset;

/**
 * The {@code cold-load} scenario: an adapter (all seven projections) goes from its safetensors file (in the
 * page cache) through parsing and validation into an installed compute slot. Reports the median of the
 * whole path and of its two halves (file to host, host to slot).
 */
public final class ColdLoadBench {
    public record Settings(String preset, int rank, int loads, int threads) {
        public static Settings defaults() {
            return new Settings("1b", 16, 10, 0);
        }
    }

    private ColdLoadBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Set<Projection> all = EnumSet.allOf(Projection.class);
        Path adapterDir = BenchModels.adapter(cacheDir, preset, s.rank(), all, 0);
        try (LlamaModel model = LlamaModel.load(dir);
             CpuBackend backend = new CpuBackend(model, new BackendOptions(2, s.rank(), 4, 16, 1, WeightFormat.BF16,
                     s.threads()))) {
            // One unmeasured load warms the page cache and the JIT.
            backend.installAdapter(0, BenchModels.loadAdapter(adapterDir, "warm", s.rank(), all, model.config()));
            double[] total = new double[s.loads()];
            double[] parse = new double[s.loads()];
            double[] install = new double[s.loads()];
            long bytes = 0;
            for (int i = 0; i < s.loads(); i++) {
                long t0 = System.nanoTime();
                LoraWeights w = BenchModels.loadAdapter(adapterDir, "cold-" + i, s.rank(), all, model.config());
                long t1 = System.nanoTime();
                backend.installAdapter(1, w);
                long t2 = System.nanoTime();
                parse[i] = (t1 - t0) / 1e6;
                install[i] = (t2 - t1) / 1e6;
                total[i] = (t2 - t0) / 1e6;
                bytes = w.byteSize();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", "cold-load");
            out.put("preset", preset.name());
            out.put("rank", s.rank());
            out.put("loads", s.loads());
            out.put("adapterBytes", bytes);
            out.put("medianMs", DecodeLoop.round(DecodeLoop.median(total), 2));
            out.put("medianFileToHostMs", DecodeLoop.round(DecodeLoop.median(parse), 2));
            out.put("medianHostToSlotMs", DecodeLoop.round(DecodeLoop.median(install), 2));
            return out;
        }
    }
}
