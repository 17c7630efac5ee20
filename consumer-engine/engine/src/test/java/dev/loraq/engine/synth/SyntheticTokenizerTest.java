package dev.loraq.engine.synth;

import dev.loraq.engine.text.ChatMessage;
import dev.loraq.engine.text.ChatTemplate;
import dev.loraq.engine.text.GenerationConfig;
import dev.loraq.engine.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticTokenizerTest {

    private static final String MIXED = "héllo wörld – 日本 🎉 The engine serves 42 tenants.\nNew line!";

    @Test
    void shouldWriteTinyVocabularyWhereEveryIdDecodes(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.Layout layout = SyntheticTokenizer.write(dir, 512, 1, 2);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            assertEquals(512, tokenizer.vocabSize());
            assertEquals(1, tokenizer.requireTokenId(SyntheticTokenizer.BOS));
            assertEquals(2, tokenizer.requireTokenId(SyntheticTokenizer.EOT));
            assertEquals(layout.endOfText(), tokenizer.requireTokenId(SyntheticTokenizer.END_OF_TEXT));
            Set<String> distinct = new HashSet<>();
            for (int id = 0; id < 512; id++) {
                tokenizer.decode(new int[] {id}, false);
                distinct.add(tokenizer.tokenString(id));
            }
            assertEquals(512, distinct.size(), "every id has its own token");
            assertEquals(MIXED, tokenizer.decode(tokenizer.encode(MIXED, false)));
        }
    }

    @Test
    void shouldWrite32kVocabularyQuicklyAndRoundTripMultiByteText(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        SyntheticTokenizer.Layout layout = SyntheticTokenizer.write(dir, 32000, 128, 129);
        long writeMillis = (System.nanoTime() - start) / 1_000_000;

        // about 0.3 s on a quiet machine; the bound leaves room for a loaded 2-core CI box
        assertTrue(writeMillis < 5000, "writing took " + writeMillis + " ms");
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            assertEquals(32000, tokenizer.vocabSize());
            assertEquals(31999, layout.endOfText());
            int[] ids = tokenizer.encode(MIXED, false);
            assertEquals(MIXED, tokenizer.decode(ids));
            int[] english = tokenizer.encode("The engine serves many tenants from one base model.", false);
            assertTrue(english.length <= 12, "learned merges make English compact, got " + english.length);
            int[] all = new int[32000];
            for (int id = 0; id < all.length; id++) {
                all[id] = id;
            }
            String text = tokenizer.decode(all, false);
            assertTrue(text.length() > 32000);
            for (int id = 0; id < 32000; id += 97) {
                tokenizer.decode(new int[] {id}, true);
            }
        }
    }

    @Test
    void shouldAddBosOnlyWhenAskedAndDecodeWithoutSpecialTokens(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.write(dir, 512, 0, 511);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            int[] with = tokenizer.encode("hello", true);
            int[] without = tokenizer.encode("hello", false);

            assertEquals(0, with[0]);
            assertEquals(without.length + 1, with.length);
            assertNotEquals(0, without[0]);
            int[] withEos = java.util.Arrays.copyOf(with, with.length + 1);
            withEos[with.length] = 511;
            assertEquals("hello", tokenizer.decode(withEos, true));
            assertEquals("<|begin_of_text|>hello<|eot_id|>", tokenizer.decode(withEos, false));
        }
    }

    @Test
    void shouldRenderChatTemplateWithSingleBos(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.write(dir, 512, 1, 2);
        ChatTemplate template = ChatTemplate.load(dir);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            List<ChatMessage> chat = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi there"));
            int[] ids = template.encode(tokenizer, chat, true);

            assertEquals(1, ids[0]);
            assertNotEquals(1, ids[1], "BOS must not be doubled");
            assertEquals(1, java.util.Arrays.stream(ids).filter(id -> id == 1).count());
            assertEquals(tokenizer.requireTokenId(SyntheticTokenizer.START_HEADER), ids[1]);
            assertEquals(template.render(chat, true), tokenizer.decode(ids));
            assertEquals(2, java.util.Arrays.stream(ids).filter(id -> id == 2).count(), "one <|eot_id|> per turn");
        }
    }

    @Test
    void shouldWriteGenerationConfigWithBosAndEos(@TempDir Path dir) throws Exception {
        SyntheticTokenizer.Layout layout = SyntheticTokenizer.write(dir, 600, 5, 6);

        GenerationConfig config = GenerationConfig.read(dir);

        assertEquals(5, config.bosTokenId().getAsInt());
        assertEquals(List.of(6, layout.endOfText()), config.eosTokenIds());
    }

    @Test
    void shouldBeDeterministic(@TempDir Path a, @TempDir Path b) throws Exception {
        SyntheticTokenizer.write(a, 2000, 1, 2);
        SyntheticTokenizer.write(b, 2000, 1, 2);

        assertArrayEquals(java.nio.file.Files.readAllBytes(a.resolve("tokenizer.json")),
                java.nio.file.Files.readAllBytes(b.resolve("tokenizer.json")));
    }

    @Test
    void shouldRejectTooSmallVocabularyAndClashingIds(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> SyntheticTokenizer.write(dir, 100, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTokenizer.write(dir, 512, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTokenizer.write(dir, 512, 1, 512));
    }
}
