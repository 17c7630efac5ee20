package dev.loraq.ops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loraq.ops.config.ServiceEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml (and the Dockerfile it builds) against the real configuration keys and the local-only rule. */
class ComposeFileTest {

    private static JsonNode compose;
    private static Map<String, JsonNode> services;

    @BeforeAll
    static void parse() {
        compose = RepositoryFiles.yaml(RepositoryFiles.file("docker-compose.yml"));
        services = new LinkedHashMap<>();
        compose.path("services").properties().forEach(e -> services.put(e.getKey(), e.getValue()));
    }

    /** The services running the engine: those built from this repository's Dockerfile. */
    private static Map<String, JsonNode> engineServices() {
        Map<String, JsonNode> engines = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if (service.has("build")) {
                engines.put(name, service);
            }
        });
        return engines;
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            node.properties().forEach(e -> env.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                String text = item.asText();
                int eq = text.indexOf('=');
                env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void shouldHaveTheServicesOfTheStack() {
        for (String name : List.of("kafka", "schema-registry", "engine", "engine-gpu", "prometheus", "grafana")) {
            assertTrue(services.containsKey(name), "docker-compose.yml has no service " + name + "; it has " + services.keySet());
        }
        assertTrue(services.get("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertTrue(services.get("schema-registry").path("image").asText().startsWith("confluentinc/cp-schema-registry:8."));
    }

    @Test
    void shouldPinEveryImageToAVersion() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            if (!service.has("image")) {
                problems.add(name + ": no image (a built service must name its image with a version tag)");
                return;
            }
            String reason = ImageReference.unpinnedReason(service.path("image").asText());
            if (reason != null) {
                problems.add(name + ": " + service.path("image").asText() + ": " + reason);
            }
        });
        assertEquals(List.of(), problems);
        assertEquals("apache/kafka:4.4.0", services.get("kafka").path("image").asText());
    }

    @Test
    void shouldConfigureEachEngineOnlyThroughRealConfigurationKeys() {
        Map<String, JsonNode> engines = engineServices();
        assertTrue(engines.keySet().containsAll(List.of("engine", "engine-gpu")), "engine services: " + engines.keySet());
        List<String> problems = new ArrayList<>();
        engines.forEach((name, service) -> {
            Map<String, String> env = environment(service);
            assertFalse(env.isEmpty(), name + " has no environment");
            problems.addAll(ServiceEnvironment.problems(env, "docker-compose.yml service " + name));
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldBindEveryPublishedPortToLoopbackOnly() {
        List<String> problems = new ArrayList<>();
        int published = 0;
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            for (JsonNode port : RepositoryFiles.elements(entry.getValue().path("ports"))) {
                published++;
                boolean loopback = port.isObject()
                        ? "127.0.0.1".equals(port.path("host_ip").asText())
                        : port.asText().startsWith("127.0.0.1:");
                if (!loopback) {
                    problems.add(entry.getKey() + ": port " + port + " is not bound to 127.0.0.1");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(published >= 5, "expected published ports for kafka, registry, engine, prometheus and grafana");
    }

    @Test
    void shouldReserveAnNvidiaDeviceInTheGpuProfile() {
        JsonNode gpu = services.get("engine-gpu");
        assertEquals(List.of("gpu"), RepositoryFiles.elements(gpu.path("profiles")).stream().map(JsonNode::asText).toList());
        List<JsonNode> devices = RepositoryFiles.elements(gpu.path("deploy").path("resources").path("reservations").path("devices"));
        assertEquals(1, devices.size(), "engine-gpu reserves " + devices);
        assertEquals("nvidia", devices.getFirst().path("driver").asText());
        assertTrue(RepositoryFiles.elements(devices.getFirst().path("capabilities")).stream().anyMatch(c -> c.asText().equals("gpu")));
        assertEquals("cuda", environment(gpu).get("LORAQ_BACKEND"));
        assertFalse(services.get("engine").has("profiles"), "the CPU engine runs without a profile");
    }

    @Test
    void shouldMountFilesThatExistInTheRepository() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            for (JsonNode volume : RepositoryFiles.elements(service.path("volumes"))) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./") && !Files.exists(RepositoryFiles.root().resolve(source))) {
                    problems.add(name + ": mounts " + source + ", which does not exist");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldPointPrometheusAndGrafanaAtTheirMountedConfiguration() {
        JsonNode prometheus = RepositoryFiles.yaml(RepositoryFiles.file("ops/prometheus/prometheus.yml"));
        List<String> prometheusMounts = RepositoryFiles.elements(services.get("prometheus").path("volumes")).stream().map(JsonNode::asText).toList();
        for (JsonNode rules : RepositoryFiles.elements(prometheus.path("rule_files"))) {
            assertTrue(prometheusMounts.stream().anyMatch(m -> m.contains(":" + rules.asText())), "rule file " + rules + " is not mounted: " + prometheusMounts);
        }
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertEquals("/metrics", job.path("metrics_path").asText());
        JsonNode sd = job.path("dns_sd_configs").get(0);
        assertEquals("engine", sd.path("names").get(0).asText());
        assertEquals(environment(services.get("engine")).get("LORAQ_METRICS_PORT"), sd.path("port").asText());

        JsonNode provider = RepositoryFiles.yaml(RepositoryFiles.file("ops/grafana/provisioning/dashboards/loraq.yml")).path("providers").get(0);
        String dashboardsPath = provider.path("options").path("path").asText();
        List<String> grafanaMounts = RepositoryFiles.elements(services.get("grafana").path("volumes")).stream().map(JsonNode::asText).toList();
        assertTrue(grafanaMounts.contains("./ops/grafana/dashboards:" + dashboardsPath + ":ro"), "dashboards provider path " + dashboardsPath + " vs mounts " + grafanaMounts);
        assertTrue(grafanaMounts.contains("./ops/grafana/provisioning:/etc/grafana/provisioning:ro"), grafanaMounts::toString);
    }

    @Test
    void shouldBuildTheImageFromPinnedBaseImagesAsANonRootUser() throws IOException {
        String dockerfile = Files.readString(RepositoryFiles.file("Dockerfile"));
        List<String> from = dockerfile.lines().filter(l -> l.startsWith("FROM ")).map(l -> l.split("\\s+")[1]).toList();
        assertEquals(2, from.size(), "a build stage and a runtime stage: " + from);
        assertTrue(from.get(0).startsWith("eclipse-temurin:25") && from.get(0).endsWith("-jdk"), from::toString);
        assertTrue(from.get(1).startsWith("eclipse-temurin:25") && from.get(1).endsWith("-jre"), from::toString);
        from.forEach(image -> assertEquals(null, ImageReference.unpinnedReason(image), image));
        assertTrue(dockerfile.lines().anyMatch(l -> l.matches("USER [1-9][0-9]*(:[0-9]+)?")), "runtime stage must switch to a numeric non-root user");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/loraq/bin/loraq-engine\", \"run\"]"));
    }

    @Test
    void shouldSetOnlyRealKeysInTheDockerfileEnvironment() throws IOException {
        Map<String, String> env = dockerfileEnv(Files.readString(RepositoryFiles.file("Dockerfile")));
        Map<String, String> loraq = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("LORAQ_")) {
                loraq.put(k, v);
            }
        });
        assertTrue(loraq.containsKey("LORAQ_METRICS_HOST"), "the image must open the metrics endpoint beyond loopback: " + env);
        List<String> unknown = loraq.keySet().stream()
                .filter(k -> !k.equals(ServiceEnvironment.JAVA_OPTS_VARIABLE) && ServiceEnvironment.resolve(k).isEmpty()).toList();
        assertEquals(List.of(), unknown, "Dockerfile ENV variables that name no key");
    }

    @Test
    void shouldOnlyExemptAJavaOptsVariableThatTheLauncherReads() throws IOException {
        assertTrue(Files.readString(RepositoryFiles.file("bin/_launcher.sh")).contains("${" + ServiceEnvironment.JAVA_OPTS_VARIABLE),
                "bin/_launcher.sh no longer reads " + ServiceEnvironment.JAVA_OPTS_VARIABLE);
    }

    /** KEY=VALUE pairs of the ENV instructions, with line continuations joined and quotes removed. */
    private static Map<String, String> dockerfileEnv(String dockerfile) {
        String joined = dockerfile.replaceAll("\\\\\\r?\\n", " ");
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");
        for (String line : joined.lines().toList()) {
            if (line.startsWith("ENV ")) {
                Matcher m = pair.matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        return env;
    }
}
