package dev.loraq.engine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face fast tokenizer loaded from a model folder's {@code tokenizer.json}, through DJL.
 *
 * <p>DJL offline mode is switched on by this class's static initializer ({@link DjlOfflineMode}), before any DJL
 * class is touched, so loading never attempts network access.
 *
 * <p>Options differ from DJL's defaults on purpose: no truncation (DJL truncates at 512 tokens by default; the
 * engine checks prompt length against the context window itself and rejects instead of silently cutting), no
 * padding, and special tokens only when the caller asks for them. A rendered chat template already contains BOS,
 * so chat prompts are encoded with {@code addSpecialTokens = false} (see {@link ChatTemplate#encode}).
 *
 * <p>Thread-safe: the native tokenizer is immutable after load.
 */
public final class Tokenizer implements AutoCloseable {

    static {
        DjlOfflineMode.ensure();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> tokenIds;
    private final String[] tokens;

    private Tokenizer(Path file, HuggingFaceTokenizer tokenizer, Map<String, Integer> tokenIds, String[] tokens) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.tokenIds = tokenIds;
        this.tokens = tokens;
    }

    /**
     * Loads {@code tokenizer.json} from a model folder (or the file itself when {@code path} is a file).
     *
     * @throws IOException when the file is missing or not a valid tokenizer.json; the message names the file
     */
    public static Tokenizer load(Path path) throws IOException {
        DjlOfflineMode.ensure();
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException("tokenizer file not found: " + file.toAbsolutePath());
        }
        Map<String, Integer> ids = readVocabulary(file);
        int size = 0;
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        String[] tokens = new String[size];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            tokens[e.getValue()] = e.getKey();
        }
        HuggingFaceTokenizer hf;
        try {
            // Only the file is passed (not the folder) so that DJL does not pick up tokenizer_config.json's
            // model_max_length as a truncation length.
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optTruncation(false)
                    .optPadding(false)
                    .optAddSpecialTokens(false)
                    .build();
        } catch (RuntimeException e) {
            throw new IOException("cannot load tokenizer " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new Tokenizer(file, hf, Map.copyOf(ids), tokens);
    }

    /** The tokenizer.json this was loaded from. */
    public Path file() {
        return file;
    }

    /**
     * Encodes text. {@code addSpecialTokens} applies the tokenizer's post-processor (for Llama: prepends BOS);
     * pass false for text that already contains its special tokens, such as a rendered chat template.
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding encoding = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Decodes all ids, keeping special tokens. */
    public String decode(int[] ids) {
        return decode(ids, 0, ids.length, false);
    }

    /** Decodes all ids; {@code skipSpecialTokens} drops tokens such as BOS and EOS from the text. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, 0, ids.length, skipSpecialTokens);
    }

    /** Decodes {@code ids[from, to)}. */
    public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        if (from < 0 || to > ids.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + ids.length + " ids");
        }
        long[] wide = new long[to - from];
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokens.length) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary [0, " + tokens.length
                        + ") of " + file);
            }
            wide[i - from] = id;
        }
        return tokenizer.decode(wide, skipSpecialTokens);
    }

    /** Number of token ids (model vocabulary plus added tokens): one more than the highest id. */
    public int vocabSize() {
        return tokens.length;
    }

    /** The id of a token string as stored in the vocabulary (e.g. "&lt;|eot_id|&gt;"), if present. */
    public OptionalInt tokenId(String token) {
        Integer id = tokenIds.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The id of a token that must exist; the error names the token and file. */
    public int requireTokenId(String token) {
        Integer id = tokenIds.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary of " + file);
        }
        return id;
    }

    /** The raw vocabulary string of an id (byte-level tokens look like "Ġthe"), or null for an unused id. */
    public String tokenString(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static Map<String, Integer> readVocabulary(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot parse " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file.toAbsolutePath() + " is not a JSON object");
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            // BPE, WordPiece, WordLevel: {"token": id}
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            // Unigram: [["token", score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).path(0).asText(), i);
            }
        } else {
            throw new IOException(file.toAbsolutePath() + " has no model.vocab");
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asInt());
        }
        return ids;
    }
}
