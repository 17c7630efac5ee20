package dev.loraq.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvironmentTest {

    private static final Map<String, String> MINIMAL = Map.of(
            "LORAQ_BOOTSTRAP_SERVERS", "kafka:9092",
            "LORAQ_SCHEMA_REGISTRY_URL", "http://registry:8081",
            "LORAQ_MODEL_DIR", "/models/base");

    @Test
    void shouldMapVariablesToServiceRegistryAndEngineKeys() {
        assertEquals(new ServiceEnvironment.Setting("LORAQ_BOOTSTRAP_SERVERS", "bootstrap.servers", ServiceEnvironment.Owner.SERVICE),
                ServiceEnvironment.resolve("LORAQ_BOOTSTRAP_SERVERS").orElseThrow());
        assertEquals(ServiceEnvironment.Owner.SERVICE, ServiceEnvironment.resolve("LORAQ_SCHEMA_REGISTRY_URL").orElseThrow().owner());
        assertEquals("schema.registry.request.timeout.ms", ServiceEnvironment.resolve("LORAQ_SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS").orElseThrow().key());
        assertEquals(new ServiceEnvironment.Setting("LORAQ_MAX_CPU_LORAS", "max.cpu.loras", ServiceEnvironment.Owner.ENGINE),
                ServiceEnvironment.resolve("LORAQ_MAX_CPU_LORAS").orElseThrow());
    }

    @Test
    void shouldMapKafkaOverridesOnlyToKeysTheClientDefines() {
        assertEquals("kafka.consumer.max.poll.records", ServiceEnvironment.resolve("LORAQ_KAFKA_CONSUMER_MAX_POLL_RECORDS").orElseThrow().key());
        assertEquals("kafka.producer.compression.type", ServiceEnvironment.resolve("LORAQ_KAFKA_PRODUCER_COMPRESSION_TYPE").orElseThrow().key());
        assertTrue(ServiceEnvironment.resolve("LORAQ_KAFKA_CONSUMER_MAX_POLL_RECORD").isEmpty());
        assertTrue(ServiceEnvironment.resolve("LORAQ_KAFKA_CONSUMER_").isEmpty());
    }

    @Test
    void shouldAcceptAMinimalValidEnvironment() {
        assertEquals(List.of(), ServiceEnvironment.problems(MINIMAL, "test"));
    }

    @Test
    void shouldReportAMisspeltVariableThatTheEngineWouldIgnore() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put("LORAQ_MAX_LORA", "8");
        List<String> problems = ServiceEnvironment.problems(env, "compose engine");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("compose engine: LORAQ_MAX_LORA names no configuration key"), problems::toString);
    }

    @Test
    void shouldReportAVariableWithoutThePrefix() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put("JAVA_TOOL_OPTIONS", "-Xmx1g");
        assertTrue(ServiceEnvironment.problems(env, "x").getFirst().contains("JAVA_TOOL_OPTIONS is not a LORAQ_* variable"));
    }

    @Test
    void shouldReportAValueTheEngineRefusesNamingTheKey() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put("LORAQ_MAX_LORAS", "16");
        env.put("LORAQ_MAX_CPU_LORAS", "4");
        List<String> problems = ServiceEnvironment.problems(env, "k8s");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().contains("max.cpu.loras"), problems::toString);
    }

    @Test
    void shouldReportAMissingRequiredKey() {
        List<String> problems = ServiceEnvironment.problems(Map.of("LORAQ_BOOTSTRAP_SERVERS", "kafka:9092", "LORAQ_MODEL_DIR", "/m"), "x");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().contains("schema.registry.url"), problems::toString);
    }

    @Test
    void shouldTreatTheLauncherJavaOptionsAsKnown() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put(ServiceEnvironment.JAVA_OPTS_VARIABLE, "-Xmx1g");
        assertEquals(List.of(), ServiceEnvironment.problems(env, "x"));
    }
}
