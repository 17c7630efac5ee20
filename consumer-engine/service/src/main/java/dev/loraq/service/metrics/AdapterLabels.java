package dev.loraq.service.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bounded label cardinality for per-adapter gauges (metrics.adapter.labels.max): the adapters with the most running
 * plus waiting requests keep their own {@code adapter} label, ties by id, and the rest are summed under
 * {@link #OTHER}. An adapter whose id is {@code other} is always counted there, so one label never means two things.
 */
final class AdapterLabels {

    static final String OTHER = "other";

    private final int max;

    AdapterLabels(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("adapter label bound must be at least 0, got " + max);
        }
        this.max = max;
    }

    /** The adapters that keep their own label: the {@code max} most active in the given counts. */
    Set<String> named(Map<String, Integer> running, Map<String, Integer> waiting) {
        Map<String, Integer> activity = new HashMap<>(running);
        waiting.forEach((adapter, n) -> activity.merge(adapter, n, Integer::sum));
        activity.remove(OTHER);
        List<String> ranked = new ArrayList<>(activity.keySet());
        ranked.sort(Comparator.comparingInt((String a) -> -activity.get(a)).thenComparing(Comparator.naturalOrder()));
        return new TreeSet<>(ranked.subList(0, Math.min(max, ranked.size())));
    }

    /** {@code counts} by label: named adapters as themselves, the others summed under {@link #OTHER} (absent if none). */
    static Map<String, Integer> relabel(Map<String, Integer> counts, Set<String> named) {
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.forEach((adapter, n) -> out.merge(named.contains(adapter) ? adapter : OTHER, n, Integer::sum));
        return out;
    }
}
