package dev.loraq.ops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loraq.ops.config.ServiceEnvironment;
import dev.loraq.service.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ops/k8s: the base (CPU) and the GPU overlay against the real configuration keys, and against each other. */
class KubernetesManifestsTest {

    private static List<JsonNode> base;
    private static JsonNode gpuPatch;

    @BeforeAll
    static void parse() throws IOException {
        Path dir = RepositoryFiles.root().resolve("ops/k8s/base");
        JsonNode kustomization = RepositoryFiles.yaml(dir.resolve("kustomization.yaml"));
        base = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path file = dir.resolve(resource.asText());
            assertTrue(Files.isRegularFile(file), "kustomization lists missing " + file);
            base.addAll(RepositoryFiles.yamlDocuments(file));
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> unlisted = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .filter(n -> RepositoryFiles.elements(kustomization.path("resources")).stream().noneMatch(r -> r.asText().equals(n)))
                    .toList();
            assertEquals(List.of(), unlisted, "manifests not in ops/k8s/base/kustomization.yaml");
        }
        Path overlay = RepositoryFiles.root().resolve("ops/k8s/overlays/gpu");
        JsonNode overlayKustomization = RepositoryFiles.yaml(overlay.resolve("kustomization.yaml"));
        assertEquals("../../base", overlayKustomization.path("resources").get(0).asText());
        gpuPatch = RepositoryFiles.yaml(overlay.resolve(overlayKustomization.path("patches").get(0).path("path").asText()));
    }

    private static JsonNode only(String kind) {
        List<JsonNode> found = base.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertEquals(1, found.size(), "expected one " + kind + " in ops/k8s/base, found " + found.size());
        return found.getFirst();
    }

    private static JsonNode engineContainer(JsonNode statefulSet) {
        for (JsonNode container : statefulSet.path("spec").path("template").path("spec").path("containers")) {
            if (container.path("name").asText().equals("engine")) {
                return container;
            }
        }
        throw new AssertionError("no container named engine in " + statefulSet.path("metadata").path("name"));
    }

    private static Map<String, String> configMapData() {
        Map<String, String> data = new LinkedHashMap<>();
        only("ConfigMap").path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    /** name=value env entries of a container (entries with valueFrom are skipped: their values come from elsewhere). */
    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : container.path("env")) {
            if (entry.has("value")) {
                env.put(entry.path("name").asText(), entry.path("value").asText());
            }
        }
        return env;
    }

    @Test
    void shouldConfigureTheCpuEngineOnlyThroughRealConfigurationKeys() {
        JsonNode container = engineContainer(only("StatefulSet"));
        assertEquals(only("ConfigMap").path("metadata").path("name").asText(),
                container.path("envFrom").get(0).path("configMapRef").path("name").asText(), "the engine takes its variables from the ConfigMap");
        Map<String, String> variables = new LinkedHashMap<>(configMapData());
        variables.putAll(env(container));
        assertEquals(List.of(), ServiceEnvironment.problems(variables, "ops/k8s/base"));
    }

    @Test
    void shouldConfigureTheGpuEngineOnlyThroughRealConfigurationKeys() {
        Map<String, String> variables = new LinkedHashMap<>(configMapData());
        variables.putAll(env(engineContainer(only("StatefulSet"))));
        // env entries override the ConfigMap's envFrom values, as in the kubelet.
        variables.putAll(env(engineContainer(gpuPatch)));
        assertEquals("cuda", variables.get("LORAQ_BACKEND"));
        assertEquals(List.of(), ServiceEnvironment.problems(variables, "ops/k8s/overlays/gpu"));
    }

    @Test
    void shouldRequestOneGpuPerEngineInTheGpuVariant() {
        JsonNode resources = engineContainer(gpuPatch).path("resources");
        assertEquals("1", resources.path("limits").path("nvidia.com/gpu").asText(), resources::toString);
        assertEquals("1", resources.path("requests").path("nvidia.com/gpu").asText(), resources::toString);
        assertTrue(engineContainer(only("StatefulSet")).path("resources").path("limits").path("nvidia.com/gpu").isMissingNode(),
                "the base (CPU) engine asks for no GPU");
    }

    @Test
    void shouldPinTheImagesOfTheManifests() {
        JsonNode container = engineContainer(only("StatefulSet"));
        String image = container.path("image").asText();
        JsonNode kustomization = RepositoryFiles.yaml(RepositoryFiles.root().resolve("ops/k8s/base/kustomization.yaml"));
        for (JsonNode override : kustomization.path("images")) {
            if (override.path("name").asText().equals(image.split(":")[0])) {
                image = override.path("newName").asText(image.split(":")[0]) + ":" + override.path("newTag").asText();
            }
        }
        assertEquals(null, ImageReference.unpinnedReason(image), image);
    }

    @Test
    void shouldDeclareEveryPipelineTopicForStrimzi() {
        Map<String, JsonNode> topics = topics();
        assertEquals(List.of("loraq.dlq", "loraq.job-control", "loraq.job-progress", "loraq.jobs", "loraq.prompts", "loraq.usage"), topics.keySet().stream().sorted().toList());
        for (JsonNode topic : topics.values()) {
            assertEquals("kafka.strimzi.io/v1beta2", topic.path("apiVersion").asText());
            assertTrue(topic.path("metadata").path("labels").has("strimzi.io/cluster"), "KafkaTopic needs its cluster label: " + topic.path("metadata"));
            assertTrue(topic.path("metadata").path("name").asText().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), "not a Kubernetes name: " + topic.path("metadata").path("name"));
        }
        assertEquals("compact", topics.get("loraq.jobs").path("spec").path("config").path("cleanup.policy").asText());
        assertEquals("compact", topics.get("loraq.job-progress").path("spec").path("config").path("cleanup.policy").asText());
        assertEquals("compact", topics.get("loraq.usage").path("spec").path("config").path("cleanup.policy").asText());
        assertEquals("compact,delete", topics.get("loraq.job-control").path("spec").path("config").path("cleanup.policy").asText());
    }

    private static Map<String, JsonNode> topics() {
        Map<String, JsonNode> topics = new LinkedHashMap<>();
        base.stream().filter(d -> d.path("kind").asText().equals("KafkaTopic"))
                .forEach(t -> topics.put(t.path("spec").path("topicName").asText(), t));
        return topics;
    }

    @Test
    void shouldScaleOnTheEnginesGroupLagWithinThePartitionCount() {
        JsonNode scaled = only("ScaledObject");
        Map<String, String> config = configMapData();
        JsonNode target = scaled.path("spec").path("scaleTargetRef");
        JsonNode statefulSet = only("StatefulSet");
        assertEquals("StatefulSet", target.path("kind").asText());
        assertEquals(statefulSet.path("metadata").path("name").asText(), target.path("name").asText());

        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertEquals("kafka", trigger.path("type").asText());
        JsonNode meta = trigger.path("metadata");
        String groupId = config.getOrDefault("LORAQ_GROUP_ID", (String) ServiceConfig.CONFIG_DEF.defaultValues().get(ServiceConfig.GROUP_ID_CONFIG));
        String inputTopic = config.getOrDefault("LORAQ_INPUT_TOPIC", (String) ServiceConfig.CONFIG_DEF.defaultValues().get(ServiceConfig.INPUT_TOPIC_CONFIG));
        assertEquals(groupId, meta.path("consumerGroup").asText(), "KEDA must watch the engines' consumer group");
        assertEquals(inputTopic, meta.path("topic").asText(), "KEDA must watch the engines' input topic");
        assertEquals(config.get("LORAQ_BOOTSTRAP_SERVERS"), meta.path("bootstrapServers").asText());

        JsonNode prompts = topics().get(inputTopic);
        assertNotNull(prompts, "no KafkaTopic for " + inputTopic);
        int partitions = prompts.path("spec").path("partitions").asInt();
        int max = scaled.path("spec").path("maxReplicaCount").asInt();
        assertTrue(max >= 1 && max <= partitions, "maxReplicaCount " + max + " must not exceed the " + partitions + " partitions of " + inputTopic);
    }

    @Test
    void shouldLetInFlightRequestsFinishBeforeThePodIsKilled() {
        JsonNode podSpec = only("StatefulSet").path("spec").path("template").path("spec");
        long graceMs = podSpec.path("terminationGracePeriodSeconds").asLong() * 1000;
        long shutdownMs = Long.parseLong(configMapData().getOrDefault("LORAQ_SHUTDOWN_TIMEOUT_MS",
                String.valueOf(ServiceConfig.CONFIG_DEF.defaultValues().get(ServiceConfig.SHUTDOWN_TIMEOUT_MS_CONFIG))));
        assertTrue(shutdownMs < graceMs, "shutdown.timeout.ms " + shutdownMs + " must be below terminationGracePeriodSeconds " + graceMs / 1000);
        JsonNode container = engineContainer(only("StatefulSet"));
        assertEquals("/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals(configMapData().get("LORAQ_METRICS_PORT"), container.path("ports").get(0).path("containerPort").asText());
    }
}
