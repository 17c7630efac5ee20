package dev.loraq.tools.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loraq.schemas.avro.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a chat {@code messages} array: objects with a role (system, user, assistant) and string content; OpenAI's
 * content parts are accepted when they are all {@code {"type": "text", "text": ...}} and are joined.
 */
final class ChatMessagesField {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private ChatMessagesField() {
    }

    static List<ChatMessage> read(FieldReader fields, String field) {
        JsonNode value = fields.raw(field);
        String name = fields.name(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            fields.problem("field " + name + " must be an array of {role, content} objects, got " + FieldReader.describe(value));
            return null;
        }
        if (value.isEmpty()) {
            fields.problem("field " + name + " must not be empty");
            return null;
        }
        List<ChatMessage> messages = new ArrayList<>(value.size());
        boolean ok = true;
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String where = name.substring(0, name.length() - 1) + "[" + i + "]'";
            if (!item.isObject()) {
                fields.problem("field " + where + " must be an object with role and content, got " + FieldReader.describe(item));
                ok = false;
                continue;
            }
            var names = item.fieldNames();
            while (names.hasNext()) {
                String key = names.next();
                if (!key.equals("role") && !key.equals("content")) {
                    fields.problem("unknown field '" + key + "' in " + where + " (allowed: role, content)");
                    ok = false;
                }
            }
            JsonNode role = item.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
                fields.problem(where + ".role must be one of system, user, assistant, got " + FieldReader.describe(role));
                ok = false;
            }
            String content = content(fields, where, item.get("content"));
            if (content == null) {
                ok = false;
            }
            if (ok) {
                messages.add(new ChatMessage(role.textValue(), content));
            }
        }
        return ok ? messages : null;
    }

    private static String content(FieldReader fields, String where, JsonNode content) {
        if (content != null && content.isTextual()) {
            return content.textValue();
        }
        if (content != null && content.isArray() && !content.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode type = part.get("type");
                JsonNode partText = part.get("text");
                if (type == null || !"text".equals(type.asText()) || partText == null || !partText.isTextual()) {
                    fields.problem(where + ".content parts must be {\"type\": \"text\", \"text\": string}; got "
                            + FieldReader.describe(part) + " (only text is supported)");
                    return null;
                }
                text.append(partText.textValue());
            }
            return text.toString();
        }
        fields.problem(where + ".content must be a string, got " + FieldReader.describe(content));
        return null;
    }
}
