package dev.loraq.tools.submit;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Offset range per partition of a job's prompt records, kept in the manifest's metadata under {@link #METADATA_KEY}
 * so that readers (collect, when it names missing requests) scan only those ranges of loraq.prompts.
 * Text form: {@code partition:first-last} joined by commas, e.g. {@code 0:12-340,3:5-999}.
 */
public final class PromptOffsets {

    public static final String METADATA_KEY = "loraq.prompt-offsets";

    private final TreeMap<Integer, long[]> ranges = new TreeMap<>();

    public synchronized void add(int partition, long offset) {
        long[] range = ranges.computeIfAbsent(partition, p -> new long[] {offset, offset});
        range[0] = Math.min(range[0], offset);
        range[1] = Math.max(range[1], offset);
    }

    public synchronized String format() {
        return ranges.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()[0] + "-" + e.getValue()[1])
                .collect(Collectors.joining(","));
    }

    /** partition to {first, last}; an IllegalArgumentException naming the text when it is not in the form above. */
    public static Map<Integer, long[]> parse(String text) {
        Map<Integer, long[]> result = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        for (String part : text.split(",")) {
            try {
                int colon = part.indexOf(':');
                int dash = part.indexOf('-', colon);
                result.put(Integer.parseInt(part.substring(0, colon).trim()), new long[] {
                        Long.parseLong(part.substring(colon + 1, dash).trim()), Long.parseLong(part.substring(dash + 1).trim())});
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(METADATA_KEY + " '" + text + "' is not partition:first-last[,...]", e);
            }
        }
        return result;
    }
}
