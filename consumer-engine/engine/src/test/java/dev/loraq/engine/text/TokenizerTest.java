package dev.loraq.engine.text;

import dev.loraq.engine.synth.SyntheticTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {

    @Test
    void shouldSwitchDjlOfflineModeOnBeforeLoading(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.write(dir, 512, 1, 2);
        String before = System.getProperty(DjlOfflineMode.OFFLINE_PROPERTY);
        System.clearProperty(DjlOfflineMode.OFFLINE_PROPERTY);
        try {
            try (Tokenizer tokenizer = Tokenizer.load(dir)) {
                assertEquals("true", System.getProperty(DjlOfflineMode.OFFLINE_PROPERTY));
                assertTrue(DjlOfflineMode.isOffline());
                assertTrue(tokenizer.vocabSize() > 0);
            }
        } finally {
            if (before != null) {
                System.setProperty(DjlOfflineMode.OFFLINE_PROPERTY, before);
            }
        }
    }

    @Test
    void shouldNotTruncateLongInput(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.write(dir, 512, 1, 2);
        String longText = "tenant ".repeat(2000);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            int[] ids = tokenizer.encode(longText, true);

            assertTrue(ids.length > 2000, "got " + ids.length + " tokens");
            assertEquals(longText, tokenizer.decode(ids, true));
        }
    }

    @Test
    void shouldNameMissingTokenizerFile(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> Tokenizer.load(dir));

        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void shouldNameMalformedTokenizerFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");

        IOException e = assertThrows(IOException.class, () -> Tokenizer.load(dir));

        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void shouldRejectOutOfVocabularyIdsOnDecode(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.write(dir, 512, 1, 2);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tokenizer.decode(new int[] {5, 512}));
            assertTrue(e.getMessage().contains("512"), e.getMessage());
            assertTrue(tokenizer.tokenId("no such token").isEmpty());
        }
    }
}
