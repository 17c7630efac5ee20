package dev.loraq.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientConfigTest {

    @Test
    void shouldApplyDefaultsAndSplitUrlList() {
        SchemaRegistryClientConfig config = new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "http://a:1/apis/ccompat/v7/, http://b:2/apis/ccompat/v7"));

        assertEquals(List.of("http://a:1/apis/ccompat/v7", "http://b:2/apis/ccompat/v7"), config.urls());
        assertTrue(config.autoRegisterSchemas());
        assertFalse(config.useLatestVersion());
        assertEquals(3, config.retries());
        assertEquals(100L, config.retryBackoffMs());
        assertEquals(10_000, config.requestTimeoutMs());
        assertEquals("", config.basicAuthUserInfo().value());
    }

    @Test
    void shouldIgnoreUnknownKeysSuchAsKafkaClientSettings() {
        SchemaRegistryClientConfig config = new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "http://127.0.0.1:8080",
                "bootstrap.servers", "127.0.0.1:9092",
                "no.such.key", "whatever"));

        assertEquals(List.of("http://127.0.0.1:8080"), config.urls());
    }

    @Test
    void shouldRejectMissingUrlNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SchemaRegistryClientConfig(Map.of()));

        assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
    }

    @Test
    void shouldRejectNonHttpUrlNamingKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "127.0.0.1:8080")));

        assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:8080"), e.getMessage());
    }

    @Test
    void shouldRejectNegativeRetriesNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "http://127.0.0.1:8080",
                SchemaRegistryClientConfig.RETRIES_CONFIG, "-1")));

        assertTrue(e.getMessage().contains("schema.registry.retries"), e.getMessage());
    }

    @Test
    void shouldRejectNonNumericTimeoutNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "http://127.0.0.1:8080",
                SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "soon")));

        assertTrue(e.getMessage().contains("schema.registry.request.timeout.ms"), e.getMessage());
    }

    @Test
    void shouldRejectUserInfoWithoutColonWithoutEchoingTheSecret() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "http://127.0.0.1:8080",
                SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG, "s3cr3t")));

        assertTrue(e.getMessage().contains("basic.auth.user.info"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void shouldRejectUnknownTruststoreType() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "https://127.0.0.1:8443",
                SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE_CONFIG, "PEMX")));

        assertTrue(e.getMessage().contains("schema.registry.ssl.truststore.type"), e.getMessage());
    }
}
