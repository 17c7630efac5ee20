package dev.loraq.ops.charts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code loraq-engine bench} output: a JSON object with a {@code scenario} field, and where it was read
 * (source and line number) so that errors about it can say so.
 */
public record BenchRecord(String source, int line, String scenario, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads JSON lines; blank lines and lines starting with '#' are skipped.
     *
     * @throws IllegalArgumentException naming source and line for a line that is not a JSON object with a scenario
     */
    public static List<BenchRecord> read(BufferedReader reader, String source) throws IOException {
        List<BenchRecord> records = new ArrayList<>();
        int lineNumber = 0;
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
            lineNumber++;
            String trimmed = text.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(trimmed);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": not JSON: " + e.getOriginalMessage());
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": expected a JSON object, found " + node.getNodeType());
            }
            JsonNode scenario = node.get("scenario");
            if (scenario == null || !scenario.isTextual() || scenario.asText().isBlank()) {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": missing the string field 'scenario'");
            }
            records.add(new BenchRecord(source, lineNumber, scenario.asText(), node));
        }
        return records;
    }

    /** Where this record came from, for messages: {@code file:line}. */
    public String where() {
        return source + ":" + line;
    }

    /** A required number at a path of object fields, e.g. {@code number("fifo", "warm_hit_rate")}. */
    public double number(String... path) {
        return number(json, String.join(".", path), path);
    }

    double number(JsonNode from, String shownPath, String... path) {
        JsonNode node = from;
        for (String field : path) {
            node = node == null ? null : node.get(field);
        }
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException(where() + ": scenario '" + scenario + "' needs the number field '" + shownPath + "'"
                    + (node == null ? "" : ", found " + node));
        }
        return node.asDouble();
    }
}
