package dev.loraq.engine.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.StoredLayer;
import dev.loraq.engine.model.StoredTensor;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.tensor.Bf16Matrix;
import dev.loraq.engine.tensor.ComputePool;
import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.NativeKernels;
import dev.loraq.engine.tensor.VectorKernels;

/**
 * The {@code matmul-stream} scenario: the bf16 matmuls of one decode step alone (every projection of every layer and
 * lm_head, one activation row, read from the mapped model file), split over the compute pool as the CPU backend
 * splits them, without attention, norms or sampling. Its GB/s beside decode's {@code impliedGBps} says how much of a
 * decode step is the weight stream itself; beside llama.cpp's implied rate, how far the kernel's stream is from it.
 */
public final class MatmulStreamBench {
    /** @param passes measured passes over all matrices, after {@code warmup} unmeasured ones */
    public record Settings(String preset, int passes, int warmup, int threads) {
        public static Settings defaults() {
            return new Settings("1b", 12, 4, 0);
        }
    }

    private MatmulStreamBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        Path dir = BenchModels.model(cacheDir, ModelPreset.byName(s.preset()));
        int threads = s.threads() == 0 ? Runtime.getRuntime().availableProcessors() : s.threads();
        try (LlamaModel model = LlamaModel.load(dir); ComputePool pool = new ComputePool(threads)) {
            List<Bf16Matrix> matrices = new ArrayList<>();
            for (StoredLayer layer : model.layers()) {
                for (Projection p : Projection.values()) {
                    matrices.add(bf16(layer.projection(p)));
                }
            }
            matrices.add(bf16(model.tiedLmHead() ? model.embedding() : model.lmHead()));
            long bytes = 0;
            int widest = 0;
            int tallest = 0;
            for (Bf16Matrix m : matrices) {
                bytes += m.segment().byteSize();
                widest = Math.max(widest, m.cols());
                tallest = Math.max(tallest, m.rows());
            }
            float[] x = new float[widest];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i);
            }
            float[] xp = new float[widest];
            float[] y = new float[tallest];
            float[][] scratch = new float[threads][VectorKernels.MATMUL_SCRATCH_FLOATS];
            double[] seconds = new double[s.passes()];
            for (int pass = -s.warmup(); pass < s.passes(); pass++) {
                long start = System.nanoTime();
                for (Bf16Matrix m : matrices) {
                    VectorKernels.prepareActivations(m, x, 1, xp);
                    pool.run((part, parts, thread) -> VectorKernels.matmul(m, xp, 1, y,
                            ComputePool.split(m.rows(), parts, part, 4), ComputePool.split(m.rows(), parts, part + 1, 4),
                            scratch[thread]));
                }
                if (pass >= 0) {
                    seconds[pass] = (System.nanoTime() - start) / 1e9;
                }
            }
            double[] gbps = new double[seconds.length];
            for (int i = 0; i < seconds.length; i++) {
                gbps[i] = bytes / seconds[i] / 1e9;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", "matmul-stream");
            out.put("preset", s.preset());
            out.put("matmul", NativeKernels.describe());
            out.put("threads", threads);
            out.put("matrices", matrices.size());
            out.put("weightBytes", bytes);
            out.put("passes", s.passes());
            out.put("msPerPass", DecodeLoop.round(DecodeLoop.median(seconds) * 1000, 2));
            out.put("GBps", Spread.of(gbps, 2));
            return out;
        }
    }

    private static Bf16Matrix bf16(StoredTensor t) {
        if (t.dtype() != DType.BF16) {
            throw new IllegalStateException("matmul-stream reads bf16 weights; " + t.name() + " is " + t.dtype());
        }
        return new Bf16Matrix(t.data(), t.rows(), t.cols());
    }
}
