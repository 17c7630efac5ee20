package dev.loraq.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * The shapes and constants of a Llama-family model, from a Hugging Face config.json.
 *
 * @param ropeScaling Llama 3 rope scaling, or null for plain RoPE
 * @param eosTokenIds one or more end-of-sequence ids (Llama 3 lists several)
 */
public record ModelConfig(String architecture, int hiddenSize, int intermediateSize, int numHiddenLayers,
                          int numAttentionHeads, int numKeyValueHeads, int headDim, int vocabSize,
                          int maxPositionEmbeddings, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          boolean tieWordEmbeddings, int bosTokenId, List<Integer> eosTokenIds) {

    public static final List<String> SUPPORTED_ARCHITECTURES = List.of("LlamaForCausalLM", "MistralForCausalLM");
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
    }

    /** Reads and validates {@code configJson}; errors name the file and key. */
    public static ModelConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configJson));
        } catch (IOException e) {
            throw new ModelFormatException(configJson + ": cannot read model config: " + e.getMessage(), e);
        }
        return fromJson(root, configJson.toString());
    }

    /** Parses a config.json tree; {@code source} names it in errors. */
    public static ModelConfig fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(source + ": model config is not a JSON object");
        }
        JsonNode arch = root.get("architectures");
        String architecture = arch != null && arch.isArray() && !arch.isEmpty() ? arch.get(0).asText() : null;
        if (architecture == null || !SUPPORTED_ARCHITECTURES.contains(architecture)) {
            throw new ModelFormatException(source + ": unsupported architectures " + arch
                    + "; supported: " + SUPPORTED_ARCHITECTURES);
        }
        int hidden = requiredInt(root, "hidden_size", source);
        int heads = requiredInt(root, "num_attention_heads", source);
        int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
                ? requiredInt(root, "num_key_value_heads", source) : heads;
        int headDim = root.has("head_dim") && !root.get("head_dim").isNull()
                ? requiredInt(root, "head_dim", source) : hidden / heads;
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(source + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        RopeScaling scaling = null;
        JsonNode rs = root.get("rope_scaling");
        if (rs != null && !rs.isNull()) {
            String type = rs.has("rope_type") ? rs.get("rope_type").asText() : rs.path("type").asText();
            if (!"llama3".equals(type)) {
                throw new ModelFormatException(source + ": rope_scaling type '" + type + "' is not supported (only llama3)");
            }
            scaling = new RopeScaling(requiredDouble(rs, "factor", source), requiredDouble(rs, "low_freq_factor", source),
                    requiredDouble(rs, "high_freq_factor", source),
                    requiredInt(rs, "original_max_position_embeddings", source));
        }
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = root.get("eos_token_id");
        if (eosNode != null && eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else if (eosNode != null && eosNode.isInt()) {
            eos.add(eosNode.asInt());
        }
        int bos = root.path("bos_token_id").isInt() ? root.get("bos_token_id").asInt() : -1;
        return new ModelConfig(architecture, hidden, requiredInt(root, "intermediate_size", source),
                requiredInt(root, "num_hidden_layers", source), heads, kvHeads, headDim,
                requiredInt(root, "vocab_size", source), requiredInt(root, "max_position_embeddings", source),
                root.path("rms_norm_eps").asDouble(1e-5), root.path("rope_theta").asDouble(10000.0), scaling,
                root.path("tie_word_embeddings").asBoolean(false), bos, eos);
    }

    private static int requiredInt(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new ModelFormatException(source + ": key '" + key + "' must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    private static double requiredDouble(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber()) {
            throw new ModelFormatException(source + ": key '" + key + "' must be a number, got " + v);
        }
        return v.asDouble();
    }

    /** This config as a Hugging Face config.json tree. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(architecture);
        n.put("model_type", architecture.startsWith("Mistral") ? "mistral" : "llama");
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numHiddenLayers);
        n.put("num_attention_heads", numAttentionHeads);
        n.put("num_key_value_heads", numKeyValueHeads);
        n.put("head_dim", headDim);
        n.put("vocab_size", vocabSize);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            n.putNull("rope_scaling");
        } else {
            ObjectNode rs = n.putObject("rope_scaling");
            rs.put("rope_type", "llama3");
            rs.put("factor", ropeScaling.factor());
            rs.put("low_freq_factor", ropeScaling.lowFreqFactor());
            rs.put("high_freq_factor", ropeScaling.highFreqFactor());
            rs.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
        }
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            n.put("eos_token_id", eosTokenIds.getFirst());
        } else {
            ArrayNode a = n.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        n.put("torch_dtype", "bfloat16");
        return n;
    }

    /** The first end-of-sequence id, or -1 when the config names none. */
    public int eosTokenId() {
        return eosTokenIds.isEmpty() ? -1 : eosTokenIds.getFirst();
    }

    public int queryDim() {
        return numAttentionHeads * headDim;
    }

    public int kvDim() {
        return numKeyValueHeads * headDim;
    }

    /** Input features of a projection's weight (its column count). */
    public int inFeatures(Projection p) {
        return switch (p) {
            case Q, K, V, GATE, UP -> hiddenSize;
            case O -> queryDim();
            case DOWN -> intermediateSize;
        };
    }

    /** Output features of a projection's weight (its row count). */
    public int outFeatures(Projection p) {
        return switch (p) {
            case Q -> queryDim();
            case K, V -> kvDim();
            case O, DOWN -> hiddenSize;
            case GATE, UP -> intermediateSize;
        };
    }

    /** Parameters of the whole model (embedding and lm_head counted once when tied). */
    public long parameterCount() {
        long perLayer = 0;
        for (Projection p : Projection.values()) {
            perLayer += (long) inFeatures(p) * outFeatures(p);
        }
        perLayer += 2L * hiddenSize;
        long embed = (long) vocabSize * hiddenSize;
        return perLayer * numHiddenLayers + embed * (tieWordEmbeddings ? 1 : 2) + hiddenSize;
    }
}
