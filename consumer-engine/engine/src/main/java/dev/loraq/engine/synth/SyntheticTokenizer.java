package dev.loraq.engine.synth;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a working Hugging Face tokenizer for synthetic models: a GPT-2 / Llama-3 style byte-level BPE whose
 * vocabulary has exactly {@code vocabSize} ids, so every id a randomly initialised model samples decodes.
 *
 * <p>Layout: the special tokens {@value #BOS} (= bosId), {@value #EOT} (= eosId), and {@value #END_OF_TEXT},
 * {@value #START_HEADER}, {@value #END_HEADER} at the highest remaining ids; the 256 byte tokens and then merged
 * tokens fill the other ids in increasing order. Merges are learned deterministically (most frequent adjacent pair,
 * ties broken by the pair's text) from a small embedded English corpus split with the GPT-2 pre-tokenizer regex.
 * When the corpus has no pairs left, further merges concatenate already learned tokens in a fixed order, skipping
 * strings that already exist; they are never produced by the encoder for ordinary text but decode like any
 * other token. The special tokens are in both the model vocabulary and {@code added_tokens}, with the same ids.
 *
 * <p>Also writes tokenizer_config.json (bos/eos token, Llama 3 Instruct's chat template, model_max_length,
 * add_bos_token) and generation_config.json (bos_token_id, eos_token_id = [eosId, end-of-text id]).
 */
public final class SyntheticTokenizer {

    public static final String BOS = "<|begin_of_text|>";
    public static final String EOT = "<|eot_id|>";
    public static final String END_OF_TEXT = "<|end_of_text|>";
    public static final String START_HEADER = "<|start_header_id|>";
    public static final String END_HEADER = "<|end_header_id|>";

    /** Llama 3 Instruct's chat template, as in its tokenizer_config.json. */
    public static final String LLAMA3_CHAT_TEMPLATE = "{% set loop_messages = messages %}"
            + "{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
            + "+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
            + "{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    /** model_max_length written by {@link #write(Path, int, int, int)}. */
    public static final int DEFAULT_MODEL_MAX_LENGTH = 8192;

    /** 256 byte tokens and 5 special tokens. */
    public static final int MIN_VOCAB_SIZE = 261;

    /** GPT-2's pre-tokenizer split (the ByteLevel pre-tokenizer with use_regex applies the same one). */
    private static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    /**
     * The ids of the special tokens written.
     *
     * @param vocabSize number of ids
     * @param bos {@value #BOS}
     * @param eos {@value #EOT}, the end of a chat turn
     * @param endOfText {@value #END_OF_TEXT}
     * @param startHeader {@value #START_HEADER}
     * @param endHeader {@value #END_HEADER}
     */
    public record Layout(int vocabSize, int bos, int eos, int endOfText, int startHeader, int endHeader) {
    }

    private SyntheticTokenizer() {
    }

    /** Writes the three files with model_max_length {@value #DEFAULT_MODEL_MAX_LENGTH}. */
    public static Layout write(Path modelDir, int vocabSize, int bosId, int eosId) throws IOException {
        return write(modelDir, vocabSize, bosId, eosId, DEFAULT_MODEL_MAX_LENGTH);
    }

    /**
     * Writes tokenizer.json, tokenizer_config.json and generation_config.json into {@code modelDir}
     * (created if missing).
     *
     * @throws IllegalArgumentException when vocabSize is below {@value #MIN_VOCAB_SIZE} or an id is out of
     *         range or bosId equals eosId
     */
    public static Layout write(Path modelDir, int vocabSize, int bosId, int eosId, int modelMaxLength)
            throws IOException {
        if (vocabSize < MIN_VOCAB_SIZE) {
            throw new IllegalArgumentException("vocabSize must be >= " + MIN_VOCAB_SIZE + ", got " + vocabSize);
        }
        if (bosId < 0 || bosId >= vocabSize || eosId < 0 || eosId >= vocabSize || bosId == eosId) {
            throw new IllegalArgumentException("bosId and eosId must be distinct ids in [0, " + vocabSize
                    + "), got bos " + bosId + ", eos " + eosId);
        }
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("modelMaxLength must be >= 1, got " + modelMaxLength);
        }
        int[] others = new int[3];
        int next = vocabSize - 1;
        for (int i = 0; i < 3; i++) {
            while (next == bosId || next == eosId) {
                next--;
            }
            others[i] = next--;
        }
        Layout layout = new Layout(vocabSize, bosId, eosId, others[0], others[1], others[2]);
        String[] tokens = new String[vocabSize];
        tokens[bosId] = BOS;
        tokens[eosId] = EOT;
        tokens[layout.endOfText()] = END_OF_TEXT;
        tokens[layout.startHeader()] = START_HEADER;
        tokens[layout.endHeader()] = END_HEADER;

        int regular = vocabSize - 5;
        List<String> merges = learnMerges(regular - 256);
        int cursor = 0;
        char[] byteChars = byteToUnicode();
        for (int b = 0; b < 256; b++) {
            cursor = nextFree(tokens, cursor);
            tokens[cursor] = String.valueOf(byteChars[b]);
        }
        for (String merge : merges) {
            cursor = nextFree(tokens, cursor);
            int space = merge.indexOf(' ');
            tokens[cursor] = merge.substring(0, space) + merge.substring(space + 1);
        }

        Files.createDirectories(modelDir);
        writeTokenizerJson(modelDir.resolve("tokenizer.json"), tokens, merges, layout);
        writeTokenizerConfig(modelDir.resolve("tokenizer_config.json"), modelMaxLength);
        writeGenerationConfig(modelDir.resolve("generation_config.json"), layout);
        return layout;
    }

    private static int nextFree(String[] tokens, int from) {
        int i = from;
        while (tokens[i] != null) {
            i++;
        }
        return i;
    }

    /** Exactly {@code count} merges "a b" whose results are distinct and differ from all byte tokens. */
    static List<String> learnMerges(int count) {
        char[] byteChars = byteToUnicode();
        // word (as byte-level symbols) -> frequency, in first-seen order for determinism
        Map<String, Integer> wordCounts = new LinkedHashMap<>();
        Matcher m = GPT2_SPLIT.matcher(Corpus.TEXT);
        while (m.find()) {
            wordCounts.merge(toByteLevel(m.group(), byteChars), 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> freqs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            List<String> symbols = new ArrayList<>();
            e.getKey().codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
            words.add(symbols);
            freqs.add(e.getValue());
        }
        Set<String> known = new HashSet<>();
        for (char c : byteChars) {
            known.add(String.valueOf(c));
        }
        known.addAll(List.of(BOS, EOT, END_OF_TEXT, START_HEADER, END_HEADER));
        List<String> merges = new ArrayList<>(count);
        List<String> learned = new ArrayList<>();
        while (merges.size() < count) {
            Map<String, Integer> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairCounts.merge(s.get(i) + " " + s.get(i + 1), freqs.get(w), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
                int c = e.getValue();
                if (c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            int space = best.indexOf(' ');
            String a = best.substring(0, space);
            String b = best.substring(space + 1);
            String merged = a + b;
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(a) && s.get(i + 1).equals(b)) {
                        s.set(i, merged);
                        s.remove(i + 1);
                    }
                }
            }
            // two different pairs can spell the same string ("ab c" and "a bc"); the string is one token
            if (known.add(merged)) {
                merges.add(best);
                learned.add(merged);
            }
        }
        // Corpus exhausted: concatenate learned tokens pairwise, in a fixed order.
        List<String> parts = learned.isEmpty() ? List.of(String.valueOf(byteChars['a'])) : List.copyOf(learned);
        for (int i = 0; i < parts.size() && merges.size() < count; i++) {
            String left = parts.get(i);
            for (int j = 0; j < parts.size() && merges.size() < count; j++) {
                String right = parts.get(j);
                if (known.add(left + right)) {
                    merges.add(left + " " + right);
                }
            }
        }
        if (merges.size() < count) {
            throw new IllegalStateException("could only build " + merges.size() + " merges, " + count + " needed");
        }
        return merges;
    }

    private static String toByteLevel(String piece, char[] byteChars) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length);
        for (byte x : bytes) {
            b.append(byteChars[x & 0xFF]);
        }
        return b.toString();
    }

    /** GPT-2's reversible byte to printable-character map (space is 'Ġ', newline 'Ċ'). */
    static char[] byteToUnicode() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = direct[b] ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    private static void writeTokenizerJson(Path file, String[] tokens, List<String> merges, Layout layout)
            throws IOException {
        JsonFactory factory = new JsonFactory();
        try (JsonGenerator g = factory.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("version", "1.0");
            g.writeNullField("truncation");
            g.writeNullField("padding");
            g.writeArrayFieldStart("added_tokens");
            int[] specialIds = {layout.bos(), layout.endOfText(), layout.startHeader(), layout.endHeader(),
                    layout.eos()};
            Arrays.sort(specialIds);
            for (int id : specialIds) {
                g.writeStartObject();
                g.writeNumberField("id", id);
                g.writeStringField("content", tokens[id]);
                g.writeBooleanField("single_word", false);
                g.writeBooleanField("lstrip", false);
                g.writeBooleanField("rstrip", false);
                g.writeBooleanField("normalized", false);
                g.writeBooleanField("special", true);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNullField("normalizer");
            g.writeObjectFieldStart("pre_tokenizer");
            byteLevelFields(g, false);
            g.writeEndObject();
            g.writeObjectFieldStart("post_processor");
            g.writeStringField("type", "TemplateProcessing");
            g.writeArrayFieldStart("single");
            specialPiece(g, 0);
            sequencePiece(g, "A", 0);
            g.writeEndArray();
            g.writeArrayFieldStart("pair");
            specialPiece(g, 0);
            sequencePiece(g, "A", 0);
            specialPiece(g, 1);
            sequencePiece(g, "B", 1);
            g.writeEndArray();
            g.writeObjectFieldStart("special_tokens");
            g.writeObjectFieldStart(BOS);
            g.writeStringField("id", BOS);
            g.writeArrayFieldStart("ids");
            g.writeNumber(layout.bos());
            g.writeEndArray();
            g.writeArrayFieldStart("tokens");
            g.writeString(BOS);
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("decoder");
            byteLevelFields(g, true);
            g.writeEndObject();
            g.writeObjectFieldStart("model");
            g.writeStringField("type", "BPE");
            g.writeNullField("dropout");
            g.writeNullField("unk_token");
            g.writeNullField("continuing_subword_prefix");
            g.writeNullField("end_of_word_suffix");
            g.writeBooleanField("fuse_unk", false);
            g.writeBooleanField("byte_fallback", false);
            g.writeObjectFieldStart("vocab");
            for (int id = 0; id < tokens.length; id++) {
                g.writeNumberField(tokens[id], id);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("merges");
            for (String merge : merges) {
                g.writeString(merge);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void byteLevelFields(JsonGenerator g, boolean addPrefixSpace) throws IOException {
        g.writeStringField("type", "ByteLevel");
        g.writeBooleanField("add_prefix_space", addPrefixSpace);
        g.writeBooleanField("trim_offsets", true);
        g.writeBooleanField("use_regex", true);
    }

    private static void specialPiece(JsonGenerator g, int typeId) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("SpecialToken");
        g.writeStringField("id", BOS);
        g.writeNumberField("type_id", typeId);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void sequencePiece(JsonGenerator g, String id, int typeId) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("Sequence");
        g.writeStringField("id", id);
        g.writeNumberField("type_id", typeId);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeTokenizerConfig(Path file, int modelMaxLength) throws IOException {
        JsonFactory factory = new JsonFactory();
        try (JsonGenerator g = factory.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeBooleanField("add_bos_token", true);
            g.writeBooleanField("add_eos_token", false);
            g.writeStringField("bos_token", BOS);
            g.writeStringField("eos_token", EOT);
            g.writeStringField("chat_template", LLAMA3_CHAT_TEMPLATE);
            g.writeBooleanField("clean_up_tokenization_spaces", false);
            g.writeNumberField("model_max_length", modelMaxLength);
            g.writeStringField("tokenizer_class", "PreTrainedTokenizerFast");
            g.writeEndObject();
        }
    }

    private static void writeGenerationConfig(Path file, Layout layout) throws IOException {
        JsonFactory factory = new JsonFactory();
        try (JsonGenerator g = factory.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("bos_token_id", layout.bos());
            g.writeArrayFieldStart("eos_token_id");
            g.writeNumber(layout.eos());
            g.writeNumber(layout.endOfText());
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
