package dev.loraq.online.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.openai.http.ApiJson;

/** The JSON of OpenAI's responses, chunks, model list and errors, built with Jackson's tree model. */
public final class OpenAiJson {

    public static final ObjectMapper MAPPER = ApiJson.MAPPER;

    private OpenAiJson() {
    }

    /** finish_reason: stop (EOS, stop token or string) or length. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    public static ObjectNode usage(long promptTokens, long completionTokens) {
        ObjectNode usage = MAPPER.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    /** The frame of a response or chunk: id, object, created, model, and an empty choices array. */
    public static ObjectNode frame(String id, String object, long created, String model) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.putArray("choices");
        return root;
    }

    /** One whole choice: a chat message or a completion's text. */
    public static ObjectNode choice(boolean chat, int index, String text, String finishReason) {
        ObjectNode choice = MAPPER.createObjectNode();
        choice.put("index", index);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
        } else {
            choice.put("text", text);
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        return choice;
    }

    /**
     * One streamed choice: a delta ({@code role} on a chat's first chunk) or a completion's text piece; a null
     * {@code finishReason} is written as null, as OpenAI does until the last chunk.
     */
    public static ObjectNode chunkChoice(boolean chat, int index, String role, String text, String finishReason) {
        ObjectNode choice = MAPPER.createObjectNode();
        choice.put("index", index);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (role != null) {
                delta.put("role", role);
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        return choice;
    }

    public static ObjectNode model(String id, long created, String ownedBy, String parent) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", ownedBy);
        m.put("root", id);
        m.put("parent", parent);
        return m;
    }
}
