package dev.loraq.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service's runtime classpath (target/lib, which the launcher runs and the Dockerfile copies into the image) holds
 * no Kafka broker, no test library and not the local stack: production carries only what {@code loraq-engine run}
 * needs. Reads the list Maven writes before the tests (runtime-dependency-list in this module's pom), built with the
 * same scope and type filter as the copy into target/lib.
 */
class RuntimeDependenciesTest {

    private static final Path LIST = Path.of("target", "runtime-dependencies.txt");

    /** One resolved dependency: group, artifact and scope of a {@code group:artifact:type[:classifier]:version:scope} line. */
    private record Coordinates(String groupId, String artifactId, String scope) {
        static Coordinates parse(String line) {
            String[] parts = line.strip().split("\\s+")[0].split(":");
            return new Coordinates(parts[0], parts[1], parts[parts.length - 1]);
        }

        @Override
        public String toString() {
            return groupId + ":" + artifactId + " (" + scope + ")";
        }
    }

    static List<Coordinates> runtimeDependencies() throws IOException {
        assertTrue(Files.isRegularFile(LIST), LIST.toAbsolutePath() + " is missing: run the tests through Maven, which writes it");
        return Files.readAllLines(LIST).stream()
                .filter(line -> line.startsWith("   ") && line.contains(":"))
                .map(Coordinates::parse)
                .toList();
    }

    /** Why a runtime dependency does not belong in production, or null when it does. */
    static String problem(Coordinates dependency) {
        String group = dependency.groupId();
        String artifact = dependency.artifactId();
        if (group.equals("org.apache.kafka") && !artifact.equals("kafka-clients")) {
            return "a Kafka broker or server jar (only kafka-clients belongs on the runtime classpath)";
        }
        if (group.startsWith("org.junit") || group.equals("org.opentest4j") || group.equals("org.apiguardian")
                || group.equals("org.testcontainers")) {
            return "a test library";
        }
        if (artifact.equals("loraq-local-stack") || group.startsWith("io.apicurio")) {
            return "the local stack (embedded broker and registry)";
        }
        return null;
    }

    @Test
    void runtimeClasspathShouldHoldNoBrokerNoTestLibraryAndNoLocalStack() throws IOException {
        List<Coordinates> dependencies = runtimeDependencies();
        assertTrue(dependencies.stream().anyMatch(d -> d.artifactId().equals("kafka-clients")),
                "the list names the real runtime classpath (kafka-clients on it): " + dependencies);
        assertTrue(dependencies.stream().anyMatch(d -> d.artifactId().equals("loraq-engine-core")), "engine on it: " + dependencies);
        List<String> misplaced = dependencies.stream().filter(d -> problem(d) != null).map(d -> d + ": " + problem(d)).toList();
        assertEquals(List.of(), misplaced, "runtime dependencies that do not belong in production");
        assertTrue(dependencies.stream().noneMatch(d -> d.scope().equals("test")), "no test scope: " + dependencies);
    }

    @Test
    void shouldTellBrokerAndTestJarsFromProductionOnes() {
        for (String refused : List.of("org.apache.kafka:kafka_2.13", "org.apache.kafka:kafka-server", "org.apache.kafka:kafka-raft",
                "org.apache.kafka:kafka-storage", "org.apache.kafka:kafka-metadata", "org.apache.kafka:kafka-server-common",
                "org.junit.jupiter:junit-jupiter-api", "org.opentest4j:opentest4j", "dev.loraq:loraq-local-stack")) {
            String[] ga = refused.split(":");
            assertTrue(problem(new Coordinates(ga[0], ga[1], "compile")) != null, refused);
        }
        for (String allowed : List.of("org.apache.kafka:kafka-clients", "dev.loraq:loraq-schemas", "info.picocli:picocli")) {
            String[] ga = allowed.split(":");
            assertEquals(null, problem(new Coordinates(ga[0], ga[1], "compile")), allowed);
        }
    }
}
