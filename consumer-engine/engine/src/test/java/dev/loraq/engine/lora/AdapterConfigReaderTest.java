package dev.loraq.engine.lora;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterConfigReaderTest {

    @TempDir
    Path dir;

    private AdapterConfig read(String json) throws IOException {
        Files.writeString(dir.resolve("adapter_config.json"), json);
        return AdapterConfigReader.read(dir);
    }

    private String failure(String json) throws IOException {
        Files.writeString(dir.resolve("adapter_config.json"), json);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> AdapterConfigReader.read(dir));
        assertEquals(ErrorCode.ADAPTER_LOAD_FAILED, e.code());
        assertTrue(e.getMessage().contains(dir.resolve("adapter_config.json").toAbsolutePath().toString()),
                "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void shouldReadTypicalPeftConfig() throws IOException {
        AdapterConfig config = read("""
                {"alpha_pattern": {}, "base_model_name_or_path": "meta-llama/Meta-Llama-3-8B-Instruct",
                 "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "lora_alpha": 32,
                 "lora_dropout": 0.05, "modules_to_save": null, "peft_type": "LORA", "r": 16,
                 "rank_pattern": {}, "target_modules": ["v_proj", "q_proj"], "task_type": "CAUSAL_LM",
                 "use_dora": false, "use_rslora": false}
                """);

        assertEquals(16, config.rank());
        assertEquals(32.0, config.loraAlpha());
        assertEquals(Set.of(Projection.Q, Projection.V), config.targetModules());
        assertFalse(config.useRslora());
        assertEquals("meta-llama/Meta-Llama-3-8B-Instruct", config.baseModelNameOrPath());
        assertEquals(2.0, config.scale());
    }

    @Test
    void shouldExpandAllLinearAndReadRslora() throws IOException {
        AdapterConfig config = read("{\"r\": 4, \"lora_alpha\": 8, \"target_modules\": \"all-linear\", \"use_rslora\": true}");

        assertEquals(EnumSet.allOf(Projection.class), config.targetModules());
        assertTrue(config.useRslora());
        assertEquals(4.0, config.scale());
        assertNull(config.baseModelNameOrPath());
    }

    @Test
    void shouldMatchRegexAndDottedSuffixTargets() throws IOException {
        assertEquals(Set.of(Projection.Q, Projection.V),
                read("{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": \".*\\\\.(q_proj|v_proj)\"}").targetModules());
        assertEquals(Set.of(Projection.GATE, Projection.O),
                read("{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"mlp.gate_proj\", \"o_proj\"]}")
                        .targetModules());
    }

    @Test
    void shouldNameUnknownTargetModules() throws IOException {
        String message = failure("{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\", \"lm_head\", \"embed_tokens\"]}");

        assertTrue(message.contains("target_modules") && message.contains("[lm_head, embed_tokens]"), message);
    }

    @Test
    void shouldNameMissingOrInvalidRank() throws IOException {
        assertTrue(failure("{\"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}").contains("key 'r' is missing"));
        assertTrue(failure("{\"r\": 0, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'r' must be > 0, got 0"));
        assertTrue(failure("{\"r\": -4, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'r' must be > 0, got -4"));
        assertTrue(failure("{\"r\": 8.5, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'r' must be an integer, got 8.5"));
        assertTrue(failure("{\"r\": 8, \"target_modules\": [\"q_proj\"]}").contains("key 'lora_alpha' is missing"));
        assertTrue(failure("{\"r\": 8, \"lora_alpha\": 16}").contains("key 'target_modules' is missing"));
    }

    @Test
    void shouldReportLineAndColumnOfMalformedJson() throws IOException {
        String message = failure("{\n  \"r\": 8,\n  \"lora_alpha\": 16\n  \"target_modules\": []\n}");

        assertTrue(message.contains("malformed JSON at line 4, column"), message);
    }

    @Test
    void shouldRefuseOtherPeftTypesAndUnsupportedVariants() throws IOException {
        assertTrue(failure("{\"peft_type\": \"IA3\", \"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'peft_type' must be \"LORA\", got \"IA3\""));
        assertTrue(failure("{\"use_dora\": true, \"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'use_dora' is true"));
        assertTrue(failure("{\"rank_pattern\": {\"q_proj\": 4}, \"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'rank_pattern' is set"));
        assertTrue(failure("{\"modules_to_save\": [\"lm_head\"], \"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}")
                .contains("key 'modules_to_save' is set"));
    }

    @Test
    void shouldNameMissingFile() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> AdapterConfigReader.read(dir));

        assertTrue(e.getMessage().endsWith("adapter_config.json: file is missing"), e.getMessage());
    }
}
