package dev.loraq.tools.usage;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How {@code loraq usage} prints a report: an aligned table (engine time in seconds), CSV or a JSON array (engine time
 * in exact nanoseconds). The second column is the view's: the adapter ({@code base} for the base model; null in JSON,
 * empty in CSV), the UTC day or the UTC hour.
 */
public enum UsageFormat {
    TABLE, CSV, JSON;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00'Z'").withZone(ZoneOffset.UTC);
    private static final String BASE = "base";

    public void write(List<UsageRow> lines, UsageView view, PrintWriter out) {
        switch (this) {
            case TABLE -> table(lines, view, out);
            case CSV -> csv(lines, view, out);
            case JSON -> json(lines, view, out);
        }
        out.flush();
    }

    private static String second(UsageRow line, UsageView view, String baseModel) {
        return switch (view) {
            case ADAPTER -> line.adapterId() == null ? baseModel : line.adapterId();
            case DAY -> DAY.format(Instant.ofEpochMilli(line.periodStart()));
            case HOUR -> HOUR.format(Instant.ofEpochMilli(line.periodStart()));
        };
    }

    private static void table(List<UsageRow> lines, UsageView view, PrintWriter out) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"TENANT", view.label().toUpperCase(Locale.ROOT), "REQUESTS", "ERRORS", "PROMPT_TOKENS",
                "COMPLETION_TOKENS", "ENGINE_SECONDS"});
        for (UsageRow l : lines) {
            cells.add(new String[] {l.tenantId(), second(l, view, BASE), Long.toString(l.requests()), Long.toString(l.errors()),
                    Long.toString(l.promptTokens()), Long.toString(l.completionTokens()),
                    String.format(Locale.ROOT, "%.3f", l.engineNanos() / 1e9)});
        }
        int[] widths = new int[cells.getFirst().length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                // Names left-aligned, numbers right-aligned.
                line.append(i < 2 ? String.format("%-" + widths[i] + "s", row[i]) : String.format("%" + widths[i] + "s", row[i]));
                line.append(i < row.length - 1 ? "  " : "");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void csv(List<UsageRow> lines, UsageView view, PrintWriter out) {
        out.println("tenant_id," + secondName(view) + ",requests,errors,prompt_tokens,completion_tokens,engine_nanos");
        for (UsageRow l : lines) {
            out.println(String.join(",", csvField(l.tenantId()), csvField(second(l, view, "")), Long.toString(l.requests()),
                    Long.toString(l.errors()), Long.toString(l.promptTokens()), Long.toString(l.completionTokens()),
                    Long.toString(l.engineNanos())));
        }
    }

    /** RFC 4180 quoting: an error completion's adapter id is whatever its producer sent, commas and quotes included. */
    private static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static void json(List<UsageRow> lines, UsageView view, PrintWriter out) {
        ArrayNode array = MAPPER.createArrayNode();
        for (UsageRow l : lines) {
            ObjectNode node = array.addObject();
            node.put("tenant_id", l.tenantId());
            if (view == UsageView.ADAPTER) {
                node.put("adapter_id", l.adapterId());
            } else {
                node.put(secondName(view), second(l, view, null));
            }
            node.put("requests", l.requests());
            node.put("errors", l.errors());
            node.put("prompt_tokens", l.promptTokens());
            node.put("completion_tokens", l.completionTokens());
            node.put("engine_nanos", l.engineNanos());
        }
        out.println(array.toString());
    }

    private static String secondName(UsageView view) {
        return view == UsageView.ADAPTER ? "adapter_id" : view.label();
    }
}
