package dev.loraq.architecture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The strongly connected groups of a package graph (Tarjan): each group of two or more packages is a cycle. */
final class PackageCycles {

    private final Map<String, Set<String>> edges;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new HashSet<>();
    private final List<List<String>> cycles = new ArrayList<>();

    PackageCycles(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** Each cycle's packages sorted, the cycles sorted by their first package. */
    List<List<String>> find() {
        for (String node : new TreeSet<>(edges.keySet())) {
            if (!index.containsKey(node)) {
                visit(node);
            }
        }
        cycles.sort((a, b) -> a.getFirst().compareTo(b.getFirst()));
        return cycles;
    }

    private void visit(String node) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                visit(next);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> group = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                group.add(member);
            } while (!member.equals(node));
            if (group.size() > 1) {
                cycles.add(List.copyOf(group));
            }
        }
    }
}
