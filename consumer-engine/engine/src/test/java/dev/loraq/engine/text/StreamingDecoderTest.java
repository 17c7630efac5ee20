package dev.loraq.engine.text;

import dev.loraq.engine.synth.SyntheticTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingDecoderTest {

    @TempDir
    static Path dir;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        SyntheticTokenizer.write(dir, 512, 1, 2);
        tokenizer = Tokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void shouldStreamMultiByteCharactersWithoutBreakingThem() {
        String text = "héllo wörld – 日本語 🎉 ok";
        int[] ids = tokenizer.encode(text, false);
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StringBuilder streamed = new StringBuilder();

        for (int id : ids) {
            String delta = decoder.accept(id).text();
            assertFalse(delta.contains("\uFFFD"), "delta " + delta + " holds a broken character");
            streamed.append(delta);
        }
        streamed.append(decoder.finish());

        assertEquals(text, streamed.toString());
        assertEquals(text, decoder.text());
        assertTrue(ids.length > text.length() / 2, "the tiny vocabulary splits characters into bytes");
    }

    @Test
    void shouldMatchFullDecodeForEveryPrefixOfRandomIds() {
        java.util.Random random = new java.util.Random(11);
        int[] ids = new int[300];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 3 + random.nextInt(500); // ordinary tokens, including lone continuation bytes
        }
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(decoder.accept(id).text());
        }
        streamed.append(decoder.finish());

        assertEquals(tokenizer.decode(ids, true), streamed.toString());
    }

    @Test
    void shouldSkipSpecialTokensInText() {
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        int[] ids = tokenizer.encode("hi", true);
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.accept(id).text());
        }
        out.append(decoder.accept(2).text());
        out.append(decoder.finish());

        assertEquals("hi", out.toString());
    }

    @Test
    void shouldStopAtStopStringSpanningTokens() {
        String text = "The answer is 42.\nUser: next question";
        int[] ids = tokenizer.encode(text, false);
        StreamingDecoder decoder = new StreamingDecoder(tokenizer, List.of("\nUser:"));
        StringBuilder out = new StringBuilder();
        StreamingDecoder.Delta last = null;
        int used = 0;
        for (int id : ids) {
            last = decoder.accept(id);
            out.append(last.text());
            used++;
            if (last.stopped()) {
                break;
            }
        }

        assertTrue(last.stopped());
        assertEquals("\nUser:", last.stopString());
        assertEquals("The answer is 42.", out.toString());
        assertTrue(used < ids.length, "stopped before the end of the text");
        assertEquals("", decoder.finish());
        assertEquals("The answer is 42.", decoder.text());
    }

    @Test
    void shouldReleaseHeldPrefixAtFinish() {
        int[] ids = tokenizer.encode("wait\nUs", false);
        StreamingDecoder decoder = new StreamingDecoder(tokenizer, List.of("\nUser:"));
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.accept(id).text());
        }
        assertEquals("wait", out.toString());

        out.append(decoder.finish());

        assertEquals("wait\nUs", out.toString());
        assertFalse(decoder.stopped());
    }
}
