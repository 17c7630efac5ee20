package dev.loraq.tools.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to the fields of one JSON object that records every problem (missing, wrong type, out of range,
 * unknown) instead of stopping at the first, so a job file's report lists all of them. JSON null counts as absent
 * for optional fields.
 */
final class FieldReader {

    private final JsonNode node;
    private final String path;
    private final List<String> problems;

    /**
     * @param path how fields are named in messages: "" at top level, "body." inside an OpenAI body
     */
    FieldReader(JsonNode node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    boolean present(String name) {
        return node.has(name);
    }

    JsonNode raw(String name) {
        return node.get(name);
    }

    String name(String field) {
        return "'" + path + field + "'";
    }

    void problem(String message) {
        problems.add(message);
    }

    /** Every field outside {@code known} is a problem: a typo must not be silently ignored. */
    void rejectUnknown(Set<String> known) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!known.contains(field)) {
                problems.add("unknown field " + name(field) + " (allowed: " + String.join(", ", known) + ")");
            }
        }
    }

    String requiredString(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            problems.add("missing required field " + name(field));
            return null;
        }
        return string(field, value, false);
    }

    /** A required key whose value may be null (e.g. adapter: null means the base model). */
    String requiredNullableString(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            problems.add("missing required field " + name(field) + " (use null for none)");
            return null;
        }
        return value.isNull() ? null : string(field, value, false);
    }

    String optionalString(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : string(field, value, false);
    }

    private String string(String field, JsonNode value, boolean allowEmpty) {
        if (!value.isTextual()) {
            problems.add("field " + name(field) + " must be a string, got " + describe(value));
            return null;
        }
        if (!allowEmpty && value.textValue().isEmpty()) {
            problems.add("field " + name(field) + " must not be empty");
            return null;
        }
        return value.textValue();
    }

    Integer optionalInt(String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problems.add("field " + name(field) + " must be an integer, got " + describe(value));
            return null;
        }
        long v = value.longValue();
        if (v < min || v > max) {
            problems.add("field " + name(field) + " is " + v + ", must be in [" + min + ", " + max + "]");
            return null;
        }
        return (int) v;
    }

    Long optionalLong(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problems.add("field " + name(field) + " must be an integer, got " + describe(value));
            return null;
        }
        return value.longValue();
    }

    /**
     * @param minExclusive whether {@code min} itself is out of range
     */
    Float optionalFloat(String field, double min, boolean minExclusive, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            problems.add("field " + name(field) + " must be a number, got " + describe(value));
            return null;
        }
        double v = value.doubleValue();
        if (v < min || (minExclusive && v == min) || v > max) {
            problems.add("field " + name(field) + " is " + value.asText() + ", must be in " + (minExclusive ? "(" : "[")
                    + min + ", " + max + "]");
            return null;
        }
        return (float) v;
    }

    /** A string or an array of strings (OpenAI's {@code stop}). */
    List<String> optionalStringOrStrings(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        if (value.isArray()) {
            List<String> result = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isTextual() || item.textValue().isEmpty()) {
                    problems.add("field " + name(field) + "[" + i + "] must be a non-empty string, got " + describe(item));
                    return null;
                }
                result.add(item.textValue());
            }
            return result;
        }
        problems.add("field " + name(field) + " must be a string or an array of strings, got " + describe(value));
        return null;
    }

    /** An object whose values are all strings. */
    Map<String, String> optionalStringMap(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            problems.add("field " + name(field) + " must be an object of strings, got " + describe(value));
            return null;
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            if (!entry.getValue().isTextual()) {
                problems.add("field " + name(field) + "." + entry.getKey() + " must be a string, got " + describe(entry.getValue()));
                return null;
            }
            result.put(entry.getKey(), entry.getValue().textValue());
        }
        return result;
    }

    /** How a JSON value is named in messages: its type, and short values themselves. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        String shown = value.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 37) + "...";
        }
        String type = switch (value.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        return value.isNull() ? "null" : type + " " + shown;
    }
}
