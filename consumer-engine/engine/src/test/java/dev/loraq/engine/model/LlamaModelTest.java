package dev.loraq.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelWriter;
import dev.loraq.engine.tensor.DType;

class LlamaModelTest {
    @TempDir
    Path dir;

    @Test
    void shouldLoadTheTinySyntheticModelAsStored() {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 42);
        try (LlamaModel m = LlamaModel.load(dir)) {
            ModelConfig c = m.config();
            assertEquals(ModelPreset.TINY.toConfig(), c);
            assertEquals(2, m.layers().size());
            assertEquals(172, m.layer(1).projection(Projection.DOWN).cols());
            assertEquals(32, m.layer(0).projection(Projection.K).rows());
            assertEquals("lm_head.weight", m.lmHead().name());
            assertEquals(DType.BF16, m.layer(0).projection(Projection.GATE).dtype());
            assertEquals(1, c.bosTokenId());
            assertEquals(List.of(2), c.eosTokenIds());
            assertEquals(c.hiddenSize(), m.finalNorm().rows());
            assertEquals(c.hiddenSize(), m.finalNorm().toFloats().length);
        }
    }

    @Test
    void shouldKeepAnF32ModelAsStoredAndShareATiedHead() {
        ModelConfig tied = new ModelConfig("MistralForCausalLM", 32, 48, 1, 4, 4, 8, 64, 128, 1e-6, 10000, null, true, 1,
                List.of(2));
        SyntheticModelWriter.write(dir, tied, 3, DType.F32);
        try (LlamaModel m = LlamaModel.load(dir)) {
            assertEquals(DType.F32, m.layer(0).projection(Projection.Q).dtype(), "stored weights are not converted");
            assertEquals(32L * 32 * 4, m.layer(0).projection(Projection.Q).data().byteSize());
            assertTrue(m.lmHead() == m.embedding() && m.tiedLmHead(), "tied lm_head should be the embedding");
        }
    }

    @Test
    void shouldLoadAShardedModelThroughItsIndex() throws IOException {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 4);
        Path single = dir.resolve("model.safetensors");
        SafetensorsWriter first = new SafetensorsWriter();
        SafetensorsWriter second = new SafetensorsWriter();
        StringBuilder map = new StringBuilder();
        float[] embedding;
        try (SafetensorsFile f = SafetensorsFile.open(single)) {
            embedding = f.readFloats("model.embed_tokens.weight");
            for (String name : f.names()) {
                boolean inFirst = name.startsWith("model.embed") || name.startsWith("model.layers.0.");
                (inFirst ? first : second).addFloats(name, f.info(name).dtype(), f.info(name).shape(), f.readFloats(name));
                map.append(map.isEmpty() ? "" : ",").append('"').append(name).append("\": \"")
                        .append(inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
            }
        }
        first.write(dir.resolve("model-00001-of-00002.safetensors"));
        second.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.delete(single);
        Files.writeString(dir.resolve(WeightFiles.INDEX), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");
        try (LlamaModel m = LlamaModel.load(dir)) {
            assertEquals(embedding[70], m.embedding().toFloats()[m.config().hiddenSize() + 6], "row 1, column 6");
            assertEquals(2, m.layers().size());
        }
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(dir));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void shouldRejectAnUnsupportedArchitectureNamingTheFile() throws IOException {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 1);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(dir));
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("GPT2LMHeadModel"), e.getMessage());
    }

    @Test
    void shouldNameTheMissingTensorAndFile() {
        ModelConfig c = ModelPreset.TINY.toConfig();
        SyntheticModelWriter.write(dir, c, 1, DType.BF16);
        // Rewrite the weights without layer 1's up_proj.
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                if (!name.equals("model.layers.1.mlp.up_proj.weight")) {
                    w.addFloats(name, DType.BF16, f.info(name).shape(), f.readFloats(name));
                }
            }
        }
        w.write(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(dir));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("model.layers.1.mlp.up_proj.weight"),
                e.getMessage());
    }

    @Test
    void shouldNameTheTensorWhoseShapeDisagreesWithTheConfig() throws IOException {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 1);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"intermediate_size\" : 172", "\"intermediate_size\" : 160"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(dir));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight") && e.getMessage().contains("[172, 64]")
                && e.getMessage().contains("[160, 64]"), e.getMessage());
    }

    @Test
    void shouldParseLlama3RopeScalingAndDefaults() throws IOException {
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, """
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
                 "max_position_embeddings": 131072, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
                 "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                 "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009]}""");
        ModelConfig c = ModelConfig.read(cfg);
        assertEquals(16, c.headDim());
        assertEquals(new RopeScaling(8, 1, 4, 8192), c.ropeScaling());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertEquals(128001, c.eosTokenId());
        assertEquals(32, c.outFeatures(Projection.K));
        double[] inv = new RotaryEmbedding(c).inverseFrequencies();
        // Highest frequency (short wavelength) unchanged, lowest divided by the factor.
        assertEquals(1.0, inv[0], 1e-12);
        assertEquals(1.0 / Math.pow(500000.0, 14.0 / 16) / 8, inv[7], 1e-15);
    }

    @Test
    void shouldNameTheKeyThatIsMissing() throws IOException {
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelConfig.read(cfg));
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("num_attention_heads"), e.getMessage());
    }
}
