package dev.loraq.engine.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.StoredLayer;
import dev.loraq.engine.model.StoredTensor;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.tensor.Bf16Matrix;
import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Int8Matrix;
import dev.loraq.engine.tensor.Numbers;
import dev.loraq.engine.tensor.WeightMatrix;

/**
 * The base weights in the CPU kernels' layout, prepared from the stored tensors: bf16 tensors are used in place
 * (slices of the mapped files, weight.mmap) or copied off-heap; F32/F16 ones are converted to bf16 off-heap;
 * INT8 quantizes every projection and lm_head, interleaved for this JVM's vector width. The embedding table stays
 * bf16 in both formats, and mapped unless it is also the lm_head (only one row per token is read); a tied lm_head is
 * the embedding matrix itself (bf16) or its quantization (int8). Norms as f32 on the heap. Off-heap copies live until
 * {@link #close()}; the stored model must outlive this.
 */
final class CpuWeights implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CpuWeights.class);

    private final WeightFormat format;
    private final Bf16Matrix embedding;
    private final List<LayerWeights> layers;
    private final float[] finalNorm;
    private final WeightMatrix lmHead;
    private final Arena arena;
    private final String memory;

    private CpuWeights(WeightFormat format, Bf16Matrix embedding, List<LayerWeights> layers, float[] finalNorm,
                       WeightMatrix lmHead, Arena arena, String memory) {
        this.format = format;
        this.embedding = embedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.arena = arena;
        this.memory = memory;
    }

    /**
     * Prepares the weights. With {@code mmap} (weight.mmap) streamed bf16 matrices stay in the mapped files' pages;
     * without, they are copied into anonymous memory, where page-cache pressure cannot evict them.
     */
    static CpuWeights prepare(LlamaModel model, WeightFormat format, boolean mmap) {
        long start = System.nanoTime();
        Arena arena = Arena.ofShared();
        // A bf16 matrix only quantized (int8) is read once, from where it is.
        boolean copyStreamed = !mmap && format == WeightFormat.BF16;
        try {
            Bf16Matrix embedding = bf16(model.embedding(), arena, copyStreamed && model.tiedLmHead());
            List<LayerWeights> layers = new ArrayList<>();
            for (StoredLayer stored : model.layers()) {
                WeightMatrix[] m = new WeightMatrix[Projection.values().length];
                if (format == WeightFormat.INT8) {
                    IntStream.range(0, m.length).parallel().forEach(k ->
                            m[k] = Int8Matrix.quantize(bf16(stored.projection(Projection.values()[k]), arena, false), arena));
                } else {
                    for (Projection p : Projection.values()) {
                        m[p.ordinal()] = bf16(stored.projection(p), arena, copyStreamed);
                    }
                }
                layers.add(new LayerWeights(stored.inputNorm().toFloats(), m[0], m[1], m[2], m[3],
                        stored.postAttentionNorm().toFloats(), m[4], m[5], m[6]));
            }
            WeightMatrix lmHead = model.tiedLmHead() ? embedding : bf16(model.lmHead(), arena, copyStreamed);
            if (format == WeightFormat.INT8) {
                lmHead = Int8Matrix.quantize(lmHead, arena);
            }
            boolean inPlace = layers.getFirst().q() instanceof Bf16Matrix q
                    && q.segment().address() == model.layers().getFirst().projection(Projection.Q).data().address();
            String memory = inPlace ? "mmap" : "anon";
            CpuWeights weights = new CpuWeights(format, embedding, List.copyOf(layers), model.finalNorm().toFloats(),
                    lmHead, arena, memory);
            LOG.info("cpu weights prepared dir={} format={} weightBytes={} memory={} ms={}", model.dir(), format,
                    weights.streamedBytesPerToken(), memory, (System.nanoTime() - start) / 1_000_000);
            return weights;
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A stored matrix as bf16: the mapped bytes themselves when stored as BF16 (a copy in the arena when
     * {@code copyBf16}), else converted into the arena.
     */
    private static Bf16Matrix bf16(StoredTensor t, Arena arena, boolean copyBf16) {
        int rows = t.rows();
        int cols = t.cols();
        MemorySegment data = t.data();
        if (t.dtype() == DType.BF16) {
            if (!copyBf16) {
                return new Bf16Matrix(data, rows, cols);
            }
            MemorySegment copy = arena.allocate(data.byteSize(), 64);
            copy.copyFrom(data);
            return new Bf16Matrix(copy, rows, cols);
        }
        long count = (long) rows * cols;
        MemorySegment out = arena.allocate(count * 2, 64);
        for (long k = 0; k < count; k++) {
            float v = t.dtype() == DType.F32
                    ? data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * k)
                    : Numbers.f16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * k));
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * k, Numbers.floatToBf16(v));
        }
        return new Bf16Matrix(out, rows, cols);
    }

    WeightFormat format() {
        return format;
    }

    /** Where the streamed weights sit: {@code mmap} (the model files' mapping) or {@code anon} (copied off-heap). */
    String memory() {
        return memory;
    }

    Bf16Matrix embedding() {
        return embedding;
    }

    List<LayerWeights> layers() {
        return layers;
    }

    LayerWeights layer(int index) {
        return layers.get(index);
    }

    float[] finalNorm() {
        return finalNorm;
    }

    WeightMatrix lmHead() {
        return lmHead;
    }

    /** Weight bytes one decode step streams: all projections, lm_head, one embedding row. */
    long streamedBytesPerToken() {
        long total = lmHead.byteSize() + 2L * embedding.cols();
        for (LayerWeights lw : layers) {
            for (Projection p : Projection.values()) {
                total += lw.projection(p).byteSize();
            }
        }
        return total;
    }

    @Override
    public void close() {
        arena.close();
    }
}
