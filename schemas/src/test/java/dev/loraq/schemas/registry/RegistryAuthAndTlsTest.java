package dev.loraq.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.PromptRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's basic-auth and TLS settings against a registry that requires both: a real HTTPS server with a
 * self-signed certificate and basic authentication, proxying to {@link TinyRegistryServer}.
 */
class RegistryAuthAndTlsTest {

    private static final String USER = "loraq";
    private static final String PASSWORD = "s3cret-registry";

    @TempDir
    static Path dir;

    private static TinyRegistryServer registry;
    private static BasicAuthTlsProxy proxy;
    private static SelfSignedKeyStores registryCertificate;
    private static SelfSignedKeyStores otherCertificate;

    @BeforeAll
    static void start() throws Exception {
        registryCertificate = SelfSignedKeyStores.create(dir, "registry");
        otherCertificate = SelfSignedKeyStores.create(dir, "other");
        registry = new TinyRegistryServer();
        proxy = new BasicAuthTlsProxy(registryCertificate.serverContext(), registry.url(), USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        registry.close();
    }

    @Test
    void rightCredentialsAndTrustStoreReachTheRegistry() {
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(settings(USER + ":" + PASSWORD, registryCertificate))) {
            Schema schema = PromptRequest.getClassSchema();
            int before = registry.requestCount();
            int id = client.register("auth-tls-value", schema);
            RegisteredSchema latest = client.latest("auth-tls-value");
            assertEquals(id, latest.id());
            assertEquals(schema, latest.schema());
            assertEquals(before + 2, registry.requestCount(), "both requests went through the proxy to the registry");
        }
    }

    @Test
    void wrongPasswordFailsNamingTheUrlAndAuthentication() {
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(settings(USER + ":wrong-password", registryCertificate))) {
            RegistryRequestException e = assertThrows(RegistryRequestException.class,
                    () -> client.register("auth-tls-value", PromptRequest.getClassSchema()));
            assertEquals(401, e.httpStatus());
            assertTrue(e.getMessage().startsWith("Schema registry at " + proxy.url() + "/subjects/auth-tls-value/versions refused POST: "
                    + "authentication failed (HTTP 401 Unauthorized); the credentials of basic.auth.user.info were sent"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-password"), "the secret is not echoed: " + e.getMessage());
        }
    }

    @Test
    void missingCredentialsSayNoneWereSent() {
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(settings("", registryCertificate))) {
            RegistryRequestException e = assertThrows(RegistryRequestException.class, () -> client.latest("auth-tls-value"));
            assertEquals(401, e.httpStatus());
            assertTrue(e.getMessage().contains("authentication failed (HTTP 401 Unauthorized); no credentials were sent "
                    + "(basic.auth.user.info is empty)"), e.getMessage());
        }
    }

    @Test
    void untrustedCertificateFailsNamingTheTrustStoreSetting() {
        int before = registry.requestCount();
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(settings(USER + ":" + PASSWORD, otherCertificate))) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> client.latest("auth-tls-value"));
            assertTrue(e.getMessage().contains(proxy.url() + "/subjects/auth-tls-value/versions/latest"), e.getMessage());
            assertTrue(e.getMessage().contains("the TLS handshake failed: the registry's certificate is not trusted"), e.getMessage());
            assertTrue(e.getMessage().contains("Check schema.registry.ssl.truststore.location"), e.getMessage());
        }
        Map<String, Object> jdkTrust = settings(USER + ":" + PASSWORD, null);
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(jdkTrust)) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> client.latest("auth-tls-value"));
            assertTrue(e.getMessage().contains("the TLS handshake failed"), "the JDK's default trust does not know it either: " + e.getMessage());
        }
        assertEquals(before, registry.requestCount(), "no request got past the handshake");
    }

    private static Map<String, Object> settings(String userInfo, SelfSignedKeyStores trust) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(SchemaRegistryClientConfig.URL_CONFIG, proxy.url());
        settings.put(SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG, userInfo);
        settings.put(SchemaRegistryClientConfig.RETRIES_CONFIG, 1);
        settings.put(SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG, 10L);
        if (trust != null) {
            settings.put(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG, trust.trustStore().toString());
            settings.put(SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG, trust.password());
            settings.put(SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        }
        return settings;
    }
}
