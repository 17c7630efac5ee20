package dev.loraq.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

    private TinyRegistryServer server;
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new TinyRegistryServer();
        client = new RestSchemaRegistryClient(Map.of(SchemaRegistryClientConfig.URL_CONFIG, server.url(),
                SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG, "10"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void shouldRegisterThenServeIdAndSchemaFromCacheWithoutFurtherHttpCalls() {
        Schema schema = PromptRequest.getClassSchema();
        int id = client.register("requests-value", schema);
        int callsAfterRegister = server.requestCount();

        for (int i = 0; i < 100; i++) {
            assertEquals(id, client.register("requests-value", schema));
            assertEquals(schema, client.getById(id));
        }

        assertEquals(1, callsAfterRegister);
        assertEquals(callsAfterRegister, server.requestCount(), "cached register/getById must not call the registry");
    }

    @Test
    void shouldFetchUnknownIdOnceThenCache() {
        RestSchemaRegistryClient other = new RestSchemaRegistryClient(Map.of(SchemaRegistryClientConfig.URL_CONFIG, server.url()));
        int id = other.register("completions-value", Completion.getClassSchema());
        int before = server.requestCount();

        assertEquals(Completion.getClassSchema(), client.getById(id));
        assertEquals(Completion.getClassSchema(), client.getById(id));

        assertEquals(before + 1, server.requestCount());
        other.close();
    }

    @Test
    void shouldReturnLatestVersionAndLookup() {
        int id = client.register("requests-value", PromptRequest.getClassSchema());

        RegisteredSchema latest = client.latest("requests-value");
        RegisteredSchema found = client.lookup("requests-value", PromptRequest.getClassSchema());

        assertEquals(new RegisteredSchema("requests-value", 1, id, PromptRequest.getClassSchema()), latest);
        assertEquals(latest, found);
    }

    @Test
    void shouldNameTheMissingIdInSchemaNotFound() {
        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> client.getById(4242));

        assertEquals(40403, e.errorCode());
        assertTrue(e.getMessage().contains("schema id 4242"), e.getMessage());
    }

    @Test
    void shouldNameTheMissingSubjectInSchemaNotFound() {
        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> client.latest("nobody-value"));

        assertEquals(40401, e.errorCode());
        assertTrue(e.getMessage().contains("subject 'nobody-value'"), e.getMessage());
    }

    @Test
    void shouldRaiseIncompatibleSchemaWithRegistryMessageOn409() {
        client.register("incompatible-value", PromptRequest.getClassSchema());

        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> client.register("incompatible-value", Completion.getClassSchema()));

        assertEquals("incompatible-value", e.subject());
        assertEquals("Incompatible schema: field 'x' has no default", e.registryMessage());
        assertTrue(e.getMessage().contains("field 'x' has no default"));
    }

    @Test
    void shouldReportCompatibilityTestAnswerWithMessages() {
        client.register("incompatible-value", PromptRequest.getClassSchema());
        client.register("requests-value", PromptRequest.getClassSchema());

        CompatibilityResult refused = client.testCompatibility("incompatible-value", Completion.getClassSchema());
        CompatibilityResult accepted = client.testCompatibility("requests-value", PromptRequest.getClassSchema());

        assertFalse(refused.compatible());
        assertEquals(java.util.List.of("field 'x' has no default"), refused.messages());
        assertTrue(accepted.compatible());
    }

    @Test
    void shouldSetAndGetSubjectCompatibility() {
        client.setCompatibility("requests-value", CompatibilityLevel.FULL_TRANSITIVE);

        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, client.getCompatibility("requests-value"));
    }

    @Test
    void shouldRetry5xxAndSucceedWithinRetries() {
        server.failNextWith500(2);

        int id = client.register("requests-value", PromptRequest.getClassSchema());

        assertTrue(id > 0);
        assertEquals(3, server.requestCount());
    }

    @Test
    void shouldFailOverToNextUrlWhenFirstIsDown() throws IOException {
        int closedPort = closedPort();
        try (RestSchemaRegistryClient failover = new RestSchemaRegistryClient(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, "http://127.0.0.1:" + closedPort + "," + server.url(),
                SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG, "1"))) {
            assertTrue(failover.register("requests-value", PromptRequest.getClassSchema()) > 0);
            assertEquals(2, failover.httpRequestCount());
        }
    }

    @Test
    void shouldGiveUpOnClosedPortAfterBoundedRetriesNamingUrlAndAttempts() throws IOException {
        int closedPort = closedPort();
        String url = "http://127.0.0.1:" + closedPort;
        try (RestSchemaRegistryClient unreachable = new RestSchemaRegistryClient(Map.of(
                SchemaRegistryClientConfig.URL_CONFIG, url,
                SchemaRegistryClientConfig.RETRIES_CONFIG, "3",
                SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG, "20",
                SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000"))) {
            long start = System.nanoTime();
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> unreachable.getById(7));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(4, e.attempts());
            assertEquals(4, unreachable.httpRequestCount());
            assertTrue(e.getMessage().contains(url + "/schemas/ids/7"), e.getMessage());
            assertTrue(e.getMessage().contains("after 4 attempts (3 retries)"), e.getMessage());
            // Backoff 20 + 40 + 80 ms; a refused connection fails at once, so the whole call stays far below a second.
            assertTrue(elapsedMs >= 140, "backoff must be applied, took " + elapsedMs + " ms");
            assertTrue(elapsedMs < 3_000, "retries must be bounded in time, took " + elapsedMs + " ms");
            assertTrue(e instanceof SerializationException, "Kafka must surface it as a SerializationException");
        }
    }

    static int closedPort() throws IOException {
        // Bind then release: nothing listens there afterwards, so connections are refused.
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
