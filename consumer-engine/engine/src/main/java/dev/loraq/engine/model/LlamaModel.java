package dev.loraq.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.loraq.engine.tensor.Bf16Matrix;
import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Int8Matrix;
import dev.loraq.engine.tensor.Numbers;
import dev.loraq.engine.tensor.WeightMatrix;

/**
 * A loaded Llama/Mistral model: config plus every weight, validated against the config. bf16 weights stay
 * in the mapped files; F32/F16 sources are converted to bf16 off-heap; INT8 quantizes at load. The
 * embedding table stays bf16 in both formats (only one row per token is read).
 */
public final class LlamaModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaModel.class);

    private final Path dir;
    private final ModelConfig config;
    private final WeightFormat format;
    private final Bf16Matrix embedding;
    private final List<LayerWeights> layers;
    private final float[] finalNorm;
    private final WeightMatrix lmHead;
    private final WeightFiles files;
    private final Arena arena;

    private LlamaModel(Path dir, ModelConfig config, WeightFormat format, Bf16Matrix embedding, List<LayerWeights> layers,
                       float[] finalNorm, WeightMatrix lmHead, WeightFiles files, Arena arena) {
        this.dir = dir;
        this.config = config;
        this.format = format;
        this.embedding = embedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.files = files;
        this.arena = arena;
    }

    /** Loads config.json and the weights of a model folder. */
    public static LlamaModel load(Path modelDir, WeightFormat format) {
        Path configPath = modelDir.resolve("config.json");
        if (!Files.exists(configPath)) {
            throw new ModelFormatException(modelDir + ": no config.json");
        }
        ModelConfig config = ModelConfig.read(configPath);
        long start = System.nanoTime();
        WeightFiles files = WeightFiles.open(modelDir);
        Arena arena = Arena.ofShared();
        try {
            int h = config.hiddenSize();
            Bf16Matrix embedding = bf16(files, "model.embed_tokens.weight", config.vocabSize(), h, arena);
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < config.numHiddenLayers(); l++) {
                String p = "model.layers." + l + ".";
                WeightMatrix[] proj = new WeightMatrix[Projection.values().length];
                for (Projection pr : Projection.values()) {
                    proj[pr.ordinal()] = bf16(files, p + pr.block() + "." + pr.moduleName() + ".weight",
                            config.outFeatures(pr), config.inFeatures(pr), arena);
                }
                layers.add(new LayerWeights(vector(files, p + "input_layernorm.weight", h),
                        proj[0], proj[1], proj[2], proj[3],
                        vector(files, p + "post_attention_layernorm.weight", h), proj[4], proj[5], proj[6]));
            }
            float[] finalNorm = vector(files, "model.norm.weight", h);
            WeightMatrix lmHead;
            if (files.contains("lm_head.weight")) {
                lmHead = bf16(files, "lm_head.weight", config.vocabSize(), h, arena);
            } else if (config.tieWordEmbeddings()) {
                lmHead = embedding;
            } else {
                throw new ModelFormatException(files.fileFor("model.embed_tokens.weight").path()
                        + ": missing tensor 'lm_head.weight' (tie_word_embeddings is false)");
            }
            if (format == WeightFormat.INT8) {
                List<LayerWeights> q = new ArrayList<>();
                for (LayerWeights lw : layers) {
                    WeightMatrix[] m = new WeightMatrix[7];
                    IntStream.range(0, 7).parallel().forEach(k ->
                            m[k] = Int8Matrix.quantize(lw.projection(Projection.values()[k]), arena));
                    q.add(new LayerWeights(lw.inputNorm(), m[0], m[1], m[2], m[3], lw.postAttentionNorm(), m[4], m[5], m[6]));
                }
                layers = q;
                lmHead = Int8Matrix.quantize(lmHead, arena);
            }
            LlamaModel model = new LlamaModel(modelDir, config, format, embedding, List.copyOf(layers), finalNorm, lmHead,
                    files, arena);
            LOG.info("model loaded dir={} format={} layers={} params={} weightBytes={} ms={}", modelDir, format,
                    config.numHiddenLayers(), config.parameterCount(), model.streamedBytesPerToken(),
                    (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            files.close();
            arena.close();
            throw e;
        }
    }

    private static Bf16Matrix bf16(WeightFiles files, String name, int rows, int cols, Arena arena) {
        SafetensorsFile f = files.fileFor(name);
        TensorInfo info = f.info(name, rows, cols);
        MemorySegment data = f.data(name);
        if (info.dtype() == DType.BF16) {
            return new Bf16Matrix(data, rows, cols);
        }
        long count = (long) rows * cols;
        MemorySegment out = arena.allocate(count * 2, 64);
        for (long k = 0; k < count; k++) {
            float v = info.dtype() == DType.F32
                    ? data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * k)
                    : Numbers.f16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * k));
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * k, Numbers.floatToBf16(v));
        }
        return new Bf16Matrix(out, rows, cols);
    }

    private static float[] vector(WeightFiles files, String name, int size) {
        SafetensorsFile f = files.fileFor(name);
        f.info(name, size);
        return f.readFloats(name);
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public WeightFormat format() {
        return format;
    }

    public Bf16Matrix embedding() {
        return embedding;
    }

    public List<LayerWeights> layers() {
        return layers;
    }

    public LayerWeights layer(int index) {
        return layers.get(index);
    }

    public float[] finalNorm() {
        return finalNorm;
    }

    public WeightMatrix lmHead() {
        return lmHead;
    }

    /** Weight bytes one decode step streams: all projections, lm_head, one embedding row. */
    public long streamedBytesPerToken() {
        long total = lmHead.byteSize() + 2L * config.hiddenSize();
        for (LayerWeights lw : layers) {
            for (Projection p : Projection.values()) {
                total += lw.projection(p).byteSize();
            }
        }
        return total;
    }

    @Override
    public void close() {
        files.close();
        arena.close();
    }
}
