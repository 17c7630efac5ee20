package dev.loraq.engine.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.SafetensorsFile;

class SyntheticWritersTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheSameModelForTheSameSeedAndAnotherForAnotherSeed() throws IOException {
        SyntheticModelWriter.write(dir.resolve("a"), ModelPreset.TINY, 5);
        SyntheticModelWriter.write(dir.resolve("b"), ModelPreset.TINY, 5);
        SyntheticModelWriter.write(dir.resolve("c"), ModelPreset.TINY, 6);
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c/model.safetensors"))));
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("a/config.json").toFile());
        assertEquals("LlamaForCausalLM", cfg.get("architectures").get(0).asText());
        assertEquals(1, cfg.get("bos_token_id").asInt());
        assertEquals(2, cfg.get("eos_token_id").asInt());
        assertEquals(512, cfg.get("vocab_size").asInt());
    }

    @Test
    void shouldWeightTheModelSoActivationsStayNearUnitScale() {
        SyntheticModelWriter.write(dir, ModelPreset.TINY, 5);
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertStd(f.readFloats("model.layers.0.mlp.down_proj.weight"), 1 / Math.sqrt(172));
            assertStd(f.readFloats("model.layers.1.self_attn.q_proj.weight"), 1 / Math.sqrt(64));
            float[] norm = f.readFloats("model.norm.weight");
            for (float v : norm) {
                assertTrue(v > 0.89f && v < 1.11f, "norm weight " + v);
            }
        }
    }

    private static void assertStd(float[] values, double expected) {
        double ss = 0;
        for (float v : values) {
            ss += v * v;
        }
        double std = Math.sqrt(ss / values.length);
        assertEquals(expected, std, expected * 0.1, "standard deviation");
    }

    @Test
    void shouldWriteAPeftAdapterWithNonZeroMatrices() throws IOException {
        ModelConfig base = ModelPreset.TINY.toConfig();
        SyntheticAdapterWriter.write(dir, base, 8, 16, EnumSet.of(Projection.Q, Projection.GATE), 3);
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve(SyntheticAdapterWriter.CONFIG_FILE).toFile());
        assertEquals(8, cfg.get("r").asInt());
        assertEquals(16.0, cfg.get("lora_alpha").asDouble());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertFalse(cfg.get("use_rslora").asBoolean());
        assertEquals("[\"q_proj\",\"gate_proj\"]", cfg.get("target_modules").toString());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(SyntheticAdapterWriter.WEIGHTS_FILE))) {
            assertEquals(2 * 2 * 2, f.names().size());
            float[] b = f.readFloats("base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight");
            assertEquals(172 * 8, b.length);
            assertTrue(java.util.stream.IntStream.range(0, b.length).filter(i -> b[i] != 0f).count() > b.length / 2);
        }
    }
}
