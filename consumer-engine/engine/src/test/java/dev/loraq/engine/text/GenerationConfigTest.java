package dev.loraq.engine.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationConfigTest {

    @Test
    void shouldReadEosListAndSamplingDefaults(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), """
                {"bos_token_id": 128000, "eos_token_id": [128001, 128009], "do_sample": true,
                 "temperature": 0.6, "top_p": 0.9}
                """);

        GenerationConfig config = GenerationConfig.read(dir);

        assertEquals(128000, config.bosTokenId().getAsInt());
        assertEquals(List.of(128001, 128009), config.eosTokenIds());
        assertTrue(config.isEos(128009));
        assertFalse(config.isEos(128000));
        assertEquals(0.6, config.temperature().getAsDouble());
        assertEquals(0.9, config.topP().getAsDouble());
        assertTrue(config.topK().isEmpty());
        assertEquals(true, config.doSample().orElseThrow());
    }

    @Test
    void shouldReadSingleEosInt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": 2}");

        assertEquals(List.of(2), GenerationConfig.read(dir).eosTokenIds());
    }

    @Test
    void shouldFallBackToModelConfigWhenFileIsMissing(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": 2, \"hidden_size\": 64}");

        GenerationConfig config = GenerationConfig.read(dir);

        assertEquals(1, config.bosTokenId().getAsInt());
        assertEquals(List.of(2), config.eosTokenIds());
        assertTrue(config.temperature().isEmpty());
    }

    @Test
    void shouldTakeEosFromModelConfigWhenGenerationConfigLacksIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"temperature\": 0.7}");
        Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": [2, 3]}");

        assertEquals(List.of(2, 3), GenerationConfig.read(dir).eosTokenIds());
    }

    @Test
    void shouldNameFileKeyAndPositionOnBadInput(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": \"two\"}");
        IOException typed = assertThrows(IOException.class, () -> GenerationConfig.read(dir));
        assertTrue(typed.getMessage().contains("eos_token_id") && typed.getMessage().contains("generation_config.json"),
                typed.getMessage());

        Files.writeString(dir.resolve("generation_config.json"), "{\n  \"eos_token_id\": 2,\n  oops\n}");
        IOException malformed = assertThrows(IOException.class, () -> GenerationConfig.read(dir));
        assertTrue(malformed.getMessage().contains("line 3"), malformed.getMessage());
    }
}
