package dev.loraq.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A scenario's one JSON line of figures. */
final class Figures {

    private static final ObjectMapper JSON = new ObjectMapper();

    final ObjectNode root = JSON.createObjectNode();

    Figures(String scenario) {
        root.put("scenario", scenario);
    }

    Figures put(String key, long value) {
        root.put(key, value);
        return this;
    }

    /** Rounded to 3 decimals; NaN (nothing to measure) as null. */
    Figures put(String key, double value) {
        if (Double.isNaN(value)) {
            root.putNull(key);
        } else {
            root.put(key, Math.round(value * 1000) / 1000.0);
        }
        return this;
    }

    Figures put(String key, String value) {
        root.put(key, value);
        return this;
    }

    Figures put(String key, boolean value) {
        root.put(key, value);
        return this;
    }

    Figures accounting(CompletionLedger.Accounting a) {
        root.put("requests", a.expected());
        root.put("lost", a.lost());
        root.put("duplicated", a.duplicated());
        root.put("cross_tenant", a.crossTenant());
        return this;
    }

    /** Median, p90 and max of a sample, under {@code key}. */
    Figures distribution(String key, List<Long> values) {
        ObjectNode node = root.putObject(key);
        node.put("n", values.size());
        if (!values.isEmpty()) {
            List<Long> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            node.put("median", median(sorted));
            node.put("p90", sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.9) - 1)));
            node.put("max", sorted.get(sorted.size() - 1));
        }
        return this;
    }

    Figures list(String key, List<?> values) {
        ArrayNode array = root.putArray(key);
        values.forEach(v -> array.add(v.toString()));
        return this;
    }

    static long median(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    String line() {
        return root.toString();
    }
}
