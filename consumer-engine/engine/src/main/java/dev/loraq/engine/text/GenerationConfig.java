package dev.loraq.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The model's generation defaults: generation_config.json, or config.json's token ids when that file is missing.
 *
 * @param bosTokenId bos_token_id, if given
 * @param eosTokenIds eos_token_id (an int or a list in the file); generation stops on any of them. Empty when
 *                    neither file names one: then only max_tokens and stop strings end a sequence
 * @param temperature the model's suggested temperature, if given
 * @param topP the model's suggested top_p, if given
 * @param topK the model's suggested top_k, if given
 * @param doSample do_sample, if given (false = the model author suggests greedy decoding)
 */
public record GenerationConfig(OptionalInt bosTokenId, List<Integer> eosTokenIds, OptionalDouble temperature,
                               OptionalDouble topP, OptionalInt topK, Optional<Boolean> doSample) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public GenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /**
     * Reads {@code generation_config.json} from a model folder; without it, bos/eos come from {@code config.json}
     * and the sampling defaults are empty.
     *
     * @throws IOException on malformed JSON or a wrongly typed key; the message names the file and key
     */
    public static GenerationConfig read(Path modelDir) throws IOException {
        Path gen = modelDir.resolve("generation_config.json");
        Path cfg = modelDir.resolve("config.json");
        if (Files.isRegularFile(gen)) {
            JsonNode root = parse(gen);
            List<Integer> eos = eosIds(root.get("eos_token_id"), gen);
            OptionalInt bos = optionalInt(root.get("bos_token_id"), gen, "bos_token_id");
            if (Files.isRegularFile(cfg) && (eos.isEmpty() || bos.isEmpty())) {
                JsonNode model = parse(cfg);
                if (eos.isEmpty()) {
                    eos = eosIds(model.get("eos_token_id"), cfg);
                }
                if (bos.isEmpty()) {
                    bos = optionalInt(model.get("bos_token_id"), cfg, "bos_token_id");
                }
            }
            JsonNode doSample = root.get("do_sample");
            if (doSample != null && !doSample.isNull() && !doSample.isBoolean()) {
                throw new IOException("'do_sample' in " + gen.toAbsolutePath() + " must be a boolean, got " + doSample);
            }
            return new GenerationConfig(bos, eos, optionalDouble(root.get("temperature"), gen, "temperature"),
                    optionalDouble(root.get("top_p"), gen, "top_p"), optionalInt(root.get("top_k"), gen, "top_k"),
                    doSample == null || doSample.isNull() ? Optional.empty()
                            : Optional.of(doSample.asBoolean()));
        }
        if (Files.isRegularFile(cfg)) {
            JsonNode model = parse(cfg);
            return new GenerationConfig(optionalInt(model.get("bos_token_id"), cfg, "bos_token_id"),
                    eosIds(model.get("eos_token_id"), cfg), OptionalDouble.empty(), OptionalDouble.empty(),
                    OptionalInt.empty(), Optional.empty());
        }
        throw new IOException("neither " + gen.toAbsolutePath() + " nor " + cfg.toAbsolutePath() + " exists");
    }

    /** Whether {@code tokenId} ends generation. */
    public boolean isEos(int tokenId) {
        return eosTokenIds.contains(tokenId);
    }

    private static JsonNode parse(Path file) throws IOException {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IOException(file.toAbsolutePath() + " must contain a JSON object");
            }
            return root;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("cannot parse " + file.toAbsolutePath() + ": " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    private static List<Integer> eosIds(JsonNode node, Path file) throws IOException {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isInt()) {
            ids.add(node.asInt());
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isInt()) {
                    throw new IOException("'eos_token_id' in " + file.toAbsolutePath()
                            + " must be an int or a list of ints, got " + node);
                }
                ids.add(n.asInt());
            }
        } else {
            throw new IOException("'eos_token_id' in " + file.toAbsolutePath()
                    + " must be an int or a list of ints, got " + node);
        }
        return ids;
    }

    private static OptionalInt optionalInt(JsonNode node, Path file, String key) throws IOException {
        if (node == null || node.isNull()) {
            return OptionalInt.empty();
        }
        if (!node.isInt()) {
            throw new IOException("'" + key + "' in " + file.toAbsolutePath() + " must be an int, got " + node);
        }
        return OptionalInt.of(node.asInt());
    }

    private static OptionalDouble optionalDouble(JsonNode node, Path file, String key) throws IOException {
        if (node == null || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber()) {
            throw new IOException("'" + key + "' in " + file.toAbsolutePath() + " must be a number, got " + node);
        }
        return OptionalDouble.of(node.asDouble());
    }
}
