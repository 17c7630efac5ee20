package dev.loraq.openai.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper of the OpenAI-shaped front doors, and the JSON every one of them answers with. */
public final class ApiJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {
    }

    /** OpenAI's error body, {@code {"error": {"message", "type", "param", "code"}}}. */
    public static ObjectNode error(ApiError e) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("param", e.param());
        error.put("code", e.code());
        return root;
    }

    /** OpenAI's list frame, {@code {"object": "list", "data": [...]}}. */
    public static ObjectNode list(ArrayNode data) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        root.set("data", data);
        return root;
    }
}
