package dev.loraq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two packages of the tools depend on each other, directly or through others: each package can be read, tested
 * and changed with only the packages below it. Dependencies are read from the sources (imports and fully qualified
 * names of classes in dev.loraq.tools.*).
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "loraq", "tools");
    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.loraq\\.tools\\.([a-z0-9.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.loraq\\.tools\\.([a-z0-9]+(?:\\.[a-z0-9]+)*)\\.[A-Z]");

    /** Package to the packages it uses, with one file that does, for the message. */
    static Map<String, Map<String, String>> dependencies(Path root) throws IOException {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher declared = PACKAGE.matcher(text);
            if (!declared.find()) {
                continue;
            }
            String from = declared.group(1);
            Map<String, String> uses = graph.computeIfAbsent(from, k -> new TreeMap<>());
            Matcher used = REFERENCE.matcher(text.substring(declared.end()));
            while (used.find()) {
                if (!used.group(1).equals(from)) {
                    uses.putIfAbsent(used.group(1), root.relativize(file).toString());
                }
            }
        }
        return graph;
    }

    /** Every cycle's packages (strongly connected components of more than one package), each sorted. */
    static List<Set<String>> cycles(Map<String, Map<String, String>> graph) {
        List<Set<String>> cycles = new ArrayList<>();
        Set<String> placed = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (placed.contains(start)) {
                continue;
            }
            Set<String> component = new TreeSet<>();
            for (String other : graph.keySet()) {
                if (reaches(graph, start, other) && reaches(graph, other, start)) {
                    component.add(other);
                }
            }
            placed.addAll(component);
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
        return cycles;
    }

    private static boolean reaches(Map<String, Map<String, String>> graph, String from, String to) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String next = todo.removeLast();
            if (next.equals(to)) {
                return true;
            }
            if (seen.add(next)) {
                todo.addAll(graph.getOrDefault(next, Map.of()).keySet());
            }
        }
        return false;
    }

    @Test
    void toolsPackagesShouldHaveNoCycles() throws IOException {
        Map<String, Map<String, String>> graph = dependencies(SOURCES);
        assertTrue(graph.keySet().containsAll(Set.of("cli", "config", "kafka", "topics")), "read the tools' sources: " + graph.keySet());
        List<String> described = new ArrayList<>();
        for (Set<String> cycle : cycles(graph)) {
            StringBuilder edges = new StringBuilder(String.join(" <-> ", cycle)).append(':');
            for (String from : cycle) {
                graph.get(from).forEach((to, file) -> {
                    if (cycle.contains(to)) {
                        edges.append(' ').append(from).append("->").append(to).append(" (").append(file).append(')');
                    }
                });
            }
            described.add(edges.toString());
        }
        assertEquals(List.of(), described, "package cycles in producer-tools");
    }

    @Test
    void shouldFindACycleThroughAThirdPackage() {
        Map<String, Map<String, String>> graph = Map.of(
                "kafka", Map.of("config", "kafka/A.java"),
                "config", Map.of("topics", "config/B.java"),
                "topics", Map.of("kafka", "topics/C.java"),
                "cli", Map.of("kafka", "cli/D.java"));
        assertEquals(List.of(Set.of("config", "kafka", "topics")), cycles(new TreeMap<>(graph)));
        assertEquals(List.of(), cycles(Map.of("cli", Map.of("kafka", "x"), "kafka", Map.of("config", "y"))));
    }
}
