package dev.loraq.tools.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Security settings reach the Kafka clients (kafka.client.*) and the registry client (its own keys). */
class ToolsConfigPassThroughTest {

    @Test
    void kafkaClientKeysLoseTheirPrefixAndTheToolsOwnKeysWin() {
        ToolsConfig config = new ToolsConfig(Map.of(
                ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9093",
                "kafka.client.security.protocol", "SASL_SSL",
                "kafka.client.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.client.bootstrap.servers", "ignored:1"));
        Map<String, Object> clients = config.kafkaClientConfig();
        assertEquals("SASL_SSL", clients.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", clients.get("sasl.mechanism"));
        assertEquals("broker:9093", clients.get("bootstrap.servers"), "--bootstrap-servers decides");
        assertFalse(clients.containsKey("kafka.client.security.protocol"));
    }

    @Test
    void registryKeysReachTheRegistryClient() {
        ToolsConfig config = new ToolsConfig(Map.of(
                ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, "https://registry:8081",
                SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG, "tools:secret",
                SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE_CONFIG, "JKS",
                "kafka.client.security.protocol", "SASL_SSL"));
        Map<String, Object> registry = config.registryConfig();
        SchemaRegistryClientConfig parsed = new SchemaRegistryClientConfig(registry);
        assertEquals("tools:secret", parsed.basicAuthUserInfo().value());
        assertEquals("JKS", parsed.getString(SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE_CONFIG));
        assertEquals("https://registry:8081", String.join(",", parsed.urls()));
        assertFalse(registry.containsKey("kafka.client.security.protocol"), "Kafka keys stay with the Kafka clients");
        // The class is on the path the serdes take; constructing it validates the settings as they would.
        new RestSchemaRegistryClient(registry).close();
    }
}
