package dev.loraq.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Package cycles as a reader sees them: from the import lines of every module's main sources. The class-file rule in
 * {@link ArchitectureTest} misses an import used only for a compile-time constant (javac inlines it), which still
 * ties two packages together for whoever reads or moves them.
 */
class SourceImportCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.loraq\\.[\\w.]+);", Pattern.MULTILINE);

    @Test
    void noTwoPackagesImportEachOtherInTheSources() {
        Map<String, Set<String>> imports = importsByPackage(repositoryRoot());
        assertTrue(imports.keySet().stream().anyMatch(p -> p.startsWith("dev.loraq.engine")), "no sources found");
        List<List<String>> cycles = new PackageCycles(imports).find();
        assertEquals(List.of(), cycles, "packages that import each other (directly or around a loop)");
    }

    @Test
    void findsACycleWhenThereIsOne() {
        Map<String, Set<String>> imports = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertEquals(List.of(List.of("a", "b", "c")), new PackageCycles(imports).find());
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve(".ci/run"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the loraq repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Map<String, Set<String>> importsByPackage(Path root) {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(SourceImportCyclesTest::isMainSource).toList()) {
                String text = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(text);
                if (!pkg.find()) {
                    continue;
                }
                Set<String> targets = out.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
                Matcher imp = IMPORT.matcher(text);
                while (imp.find()) {
                    String target = packageOf(imp.group(1));
                    if (!target.equals(pkg.group(1))) {
                        targets.add(target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static boolean isMainSource(Path file) {
        String path = file.toString().replace('\\', '/');
        return path.endsWith(".java") && path.contains("/src/main/java/") && !path.contains("/target/");
    }

    /** The package of an imported name: its segments before the first upper-case one. */
    private static String packageOf(String imported) {
        List<String> segments = new ArrayList<>();
        for (String segment : imported.split("\\.")) {
            if (Character.isUpperCase(segment.charAt(0))) {
                break;
            }
            segments.add(segment);
        }
        return String.join(".", segments);
    }
}
