package dev.loraq.online.protocol;

import dev.loraq.openai.http.ApiError;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code POST /v1/chat/completions} or {@code /v1/completions} body, checked field by field: every problem is a
 * 400 naming the field. Fields the engine cannot honour (tools, logprobs, echo, best_of above 1, suffix) are refused
 * rather than ignored.
 *
 * @param chat whether it came to /v1/chat/completions
 * @param model the model field: the base model's name or an adapter id
 * @param messages the chat (chat only)
 * @param prompts the prompts (completions only): text or token ids, one per entry
 * @param sampling temperature, top_p, seed, stop and the max tokens, as the engine takes them
 * @param n choices per prompt
 * @param stream whether to answer with server-sent events
 * @param includeUsage stream_options.include_usage
 */
public record CompletionRequest(boolean chat, String model, List<ChatMessage> messages, List<Prompt> prompts,
                                SamplingParams sampling, int n, boolean stream, boolean includeUsage) {

    /** One prompt of /v1/completions: text, or token ids. */
    public record Prompt(String text, int[] tokenIds) { }

    private static final Map<String, String> UNSUPPORTED = Map.of(
            "tools", "tools are not supported",
            "functions", "functions are not supported",
            "logprobs", "logprobs are not supported",
            "top_logprobs", "logprobs are not supported",
            "echo", "echo is not supported",
            "suffix", "suffix is not supported");

    /** The prompt's field name, for errors about it. */
    public String promptParam() {
        return chat ? "messages" : "prompt";
    }

    /**
     * Parses a body.
     *
     * @param defaultMaxTokens max tokens when the body sets neither max_tokens nor max_completion_tokens
     * @param maxN the largest n accepted
     * @throws ApiError 400 naming the field
     */
    public static CompletionRequest parse(JsonNode body, boolean chat, int defaultMaxTokens, int maxN) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
        for (Map.Entry<String, String> e : UNSUPPORTED.entrySet()) {
            JsonNode v = body.get(e.getKey());
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean()) && !(v.isArray() && v.isEmpty())
                    && !(v.isTextual() && v.asText().isEmpty())) {
                throw ApiError.badRequest(e.getKey(), e.getValue() + " by this server");
            }
        }
        JsonNode bestOf = body.get("best_of");
        if (bestOf != null && !bestOf.isNull() && !(bestOf.isInt() && bestOf.asInt() == 1)) {
            throw ApiError.badRequest("best_of", "best_of other than 1 is not supported by this server");
        }
        String model = requiredText(body, "model");
        List<ChatMessage> messages = chat ? messages(body) : null;
        List<Prompt> prompts = chat ? null : prompts(body);
        int maxTokens = maxTokens(body, chat, defaultMaxTokens);
        double temperature = number(body, "temperature", 1.0);
        double topP = number(body, "top_p", 1.0);
        Long seed = null;
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                throw ApiError.badRequest("seed", "seed must be an integer");
            }
            seed = s.asLong();
        }
        List<String> stop = stop(body);
        int n = integer(body, "n", 1);
        if (n < 1 || n > maxN) {
            throw ApiError.badRequest("n", "n must be in [1, " + maxN + "] (online.max.n), got " + n);
        }
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiError.badRequest("stream_options", "stream_options must be an object");
            }
            if (!stream) {
                throw ApiError.badRequest("stream_options", "stream_options is only allowed with stream: true");
            }
            includeUsage = bool(options, "include_usage", false);
        }
        SamplingParams sampling;
        try {
            sampling = new SamplingParams(maxTokens, temperature, 0, topP, seed, stop, List.of());
        } catch (dev.loraq.engine.api.InvalidRequestException e) {
            String param = EngineErrors.samplingParam(e.getMessage());
            throw ApiError.badRequest(param == null ? null : param.equals("max_tokens") && chat
                    && body.has("max_completion_tokens") ? "max_completion_tokens" : param, e.getMessage());
        }
        return new CompletionRequest(chat, model, messages, prompts, sampling, n, stream, includeUsage);
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode array = body.get("messages");
        if (array == null || array.isNull()) {
            throw ApiError.badRequest("messages", "messages is required");
        }
        if (!array.isArray() || array.isEmpty()) {
            throw ApiError.badRequest("messages", "messages must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiError.badRequest(where, where + " must be an object");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || role.asText().isBlank()) {
                throw ApiError.badRequest(where + ".role", where + ".role must be a non-empty string");
            }
            messages.add(new ChatMessage(role.asText(), content(m.get("content"), where + ".content")));
        }
        return messages;
    }

    /** A message's content: a string, or an array of text parts (other part types are refused). */
    private static String content(JsonNode content, String where) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                JsonNode type = part.get("type");
                if (type == null || !"text".equals(type.asText()) || !part.path("text").isTextual()) {
                    throw ApiError.badRequest(where + "[" + i + "]", where + "[" + i
                            + "] must be a text part {\"type\": \"text\", \"text\": ...}; other parts are not supported");
                }
                b.append(part.get("text").asText());
            }
            return b.toString();
        }
        throw ApiError.badRequest(where, where + " must be a string or an array of text parts");
    }

    private static List<Prompt> prompts(JsonNode body) {
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) {
            throw ApiError.badRequest("prompt", "prompt is required");
        }
        if (p.isTextual()) {
            return List.of(new Prompt(p.asText(), null));
        }
        if (!p.isArray() || p.isEmpty()) {
            throw ApiError.badRequest("prompt", "prompt must be a string, an array of strings, an array of token ids "
                    + "or an array of token id arrays, and not empty");
        }
        if (p.get(0).isIntegralNumber()) {
            return List.of(new Prompt(null, tokenIds(p, "prompt")));
        }
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            JsonNode item = p.get(i);
            if (item.isTextual()) {
                prompts.add(new Prompt(item.asText(), null));
            } else if (item.isArray()) {
                prompts.add(new Prompt(null, tokenIds(item, "prompt[" + i + "]")));
            } else {
                throw ApiError.badRequest("prompt", "prompt[" + i + "] must be a string or an array of token ids");
            }
        }
        return prompts;
    }

    private static int[] tokenIds(JsonNode array, String where) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isInt()) {
                throw ApiError.badRequest("prompt", where + "[" + i + "] must be a token id (an integer)");
            }
            ids[i] = t.asInt();
        }
        return ids;
    }

    private static int maxTokens(JsonNode body, boolean chat, int defaultMaxTokens) {
        if (chat && body.has("max_completion_tokens") && !body.get("max_completion_tokens").isNull()) {
            return integer(body, "max_completion_tokens", defaultMaxTokens);
        }
        return integer(body, "max_tokens", defaultMaxTokens);
    }

    private static List<String> stop(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw ApiError.badRequest("stop", "stop must be a string or an array of strings");
        }
        List<String> stops = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw ApiError.badRequest("stop", "stop[" + i + "] must be a string");
            }
            stops.add(stop.get(i).asText());
        }
        return stops;
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiError.badRequest(field, field + " is required");
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw ApiError.badRequest(field, field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static double number(JsonNode body, String field, double absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isNumber()) {
            throw ApiError.badRequest(field, field + " must be a number");
        }
        return v.asDouble();
    }

    private static int integer(JsonNode body, String field, int absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badRequest(field, field + " must be an integer");
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode body, String field, boolean absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest(field, field + " must be true or false");
        }
        return v.asBoolean();
    }
}
