package dev.loraq.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Llama/Mistral model as stored: its config and every weight tensor, mapped from the safetensors files and
 * validated against the config (presence, shape), with no conversion. A compute backend prepares its own layout
 * from these tensors; they stay mapped until {@link #close()}, which must come after the backends are closed.
 */
public final class LlamaModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaModel.class);

    private final Path dir;
    private final ModelConfig config;
    private final StoredTensor embedding;
    private final List<StoredLayer> layers;
    private final StoredTensor finalNorm;
    private final StoredTensor lmHead;
    private final WeightFiles files;

    private LlamaModel(Path dir, ModelConfig config, StoredTensor embedding, List<StoredLayer> layers,
                       StoredTensor finalNorm, StoredTensor lmHead, WeightFiles files) {
        this.dir = dir;
        this.config = config;
        this.embedding = embedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.files = files;
    }

    /** Reads config.json and maps and validates the weights of a model folder; errors name the file and tensor. */
    public static LlamaModel load(Path modelDir) {
        Path configPath = modelDir.resolve("config.json");
        if (!Files.exists(configPath)) {
            throw new ModelFormatException(modelDir + ": no config.json");
        }
        ModelConfig config = ModelConfig.read(configPath);
        long start = System.nanoTime();
        WeightFiles files = WeightFiles.open(modelDir);
        try {
            int h = config.hiddenSize();
            StoredTensor embedding = tensor(files, "model.embed_tokens.weight", config.vocabSize(), h);
            List<StoredLayer> layers = new ArrayList<>();
            for (int l = 0; l < config.numHiddenLayers(); l++) {
                String p = "model.layers." + l + ".";
                StoredTensor[] proj = new StoredTensor[Projection.values().length];
                for (Projection pr : Projection.values()) {
                    proj[pr.ordinal()] = tensor(files, p + pr.block() + "." + pr.moduleName() + ".weight",
                            config.outFeatures(pr), config.inFeatures(pr));
                }
                layers.add(new StoredLayer(tensor(files, p + "input_layernorm.weight", h),
                        tensor(files, p + "post_attention_layernorm.weight", h), List.of(proj)));
            }
            StoredTensor finalNorm = tensor(files, "model.norm.weight", h);
            StoredTensor lmHead;
            if (files.contains("lm_head.weight")) {
                lmHead = tensor(files, "lm_head.weight", config.vocabSize(), h);
            } else if (config.tieWordEmbeddings()) {
                lmHead = embedding;
            } else {
                throw new ModelFormatException(files.fileFor("model.embed_tokens.weight").path()
                        + ": missing tensor 'lm_head.weight' (tie_word_embeddings is false)");
            }
            LOG.info("model mapped dir={} layers={} params={} dtype={} tiedLmHead={} ms={}", modelDir,
                    config.numHiddenLayers(), config.parameterCount(), embedding.dtype(), lmHead == embedding,
                    (System.nanoTime() - start) / 1_000_000);
            return new LlamaModel(modelDir, config, embedding, List.copyOf(layers), finalNorm, lmHead, files);
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    private static StoredTensor tensor(WeightFiles files, String name, long... shape) {
        return files.fileFor(name).tensor(name, shape);
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public StoredTensor embedding() {
        return embedding;
    }

    public List<StoredLayer> layers() {
        return layers;
    }

    public StoredLayer layer(int index) {
        return layers.get(index);
    }

    public StoredTensor finalNorm() {
        return finalNorm;
    }

    /** The output projection; the {@link #embedding()} itself when the model ties them (no lm_head.weight). */
    public StoredTensor lmHead() {
        return lmHead;
    }

    /** True when lm_head is the embedding table (tie_word_embeddings and no lm_head.weight stored). */
    public boolean tiedLmHead() {
        return lmHead == embedding;
    }

    @Override
    public void close() {
        files.close();
    }
}
