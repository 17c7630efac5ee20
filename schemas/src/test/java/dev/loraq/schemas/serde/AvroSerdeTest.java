package dev.loraq.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaNotFoundException;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.registry.TinyRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private TinyRegistryServer server;
    private Map<String, Object> config;

    @BeforeEach
    void start() throws IOException {
        server = new TinyRegistryServer();
        config = Map.of(SchemaRegistryClientConfig.URL_CONFIG, server.url(), SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG, "5");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldRoundTripPromptRequestAndCompletion() {
        try (Serde<PromptRequest> requests = LoraqSerdes.promptRequest(config, false);
             Serde<Completion> completions = LoraqSerdes.completion(config, false)) {
            PromptRequest request = Records.chatRequest("r-1");
            Completion completion = Records.okCompletion("r-1");

            byte[] requestBytes = requests.serializer().serialize("requests", request);
            byte[] completionBytes = completions.serializer().serialize("completions.acme", completion);

            assertEquals(WireFormat.MAGIC_BYTE, requestBytes[0]);
            assertEquals(request, requests.deserializer().deserialize("requests", requestBytes));
            assertEquals(completion, completions.deserializer().deserialize("completions.acme", completionBytes));
            assertTrue(server.requestLines().contains("POST /subjects/requests-value/versions"), server.requestLines().toString());
            assertTrue(server.requestLines().contains("POST /subjects/completions.acme-value/versions"), server.requestLines().toString());
        }
    }

    @Test
    void shouldUseKeySubjectWhenConfiguredAsKey() {
        try (Serde<PromptRequest> keys = LoraqSerdes.promptRequest(config, true)) {
            keys.serializer().serialize("requests", Records.chatRequest("r-1"));
        }

        assertTrue(server.requestLines().contains("POST /subjects/requests-key/versions"), server.requestLines().toString());
    }

    @Test
    void shouldMakeNoHttpCallAfterFirstUseOfASchema() {
        try (Serde<PromptRequest> producerSide = LoraqSerdes.promptRequest(config, false);
             Serde<PromptRequest> consumerSide = LoraqSerdes.promptRequest(config, false)) {
            byte[] first = producerSide.serializer().serialize("requests", Records.chatRequest("r-0"));
            consumerSide.deserializer().deserialize("requests", first);
            int callsAfterWarmUp = server.requestCount();

            for (int i = 1; i <= 1_000; i++) {
                byte[] bytes = producerSide.serializer().serialize("requests", Records.chatRequest("r-" + i));
                assertEquals("r-" + i, consumerSide.deserializer().deserialize("requests", bytes).getRequestId());
            }

            // One register by the producer side, one id lookup by the consumer side.
            assertEquals(2, callsAfterWarmUp);
            assertEquals(callsAfterWarmUp, server.requestCount());
        }
    }

    @Test
    void shouldPassNullThroughForTombstones() {
        try (Serde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false)) {
            assertNull(serde.serializer().serialize("requests", null));
            assertNull(serde.deserializer().deserialize("requests", null));
        }
        assertEquals(0, server.requestCount());
    }

    @Test
    void shouldRejectBytesWithoutMagicByte() {
        try (Serde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false)) {
            WireFormatException e = assertThrows(WireFormatException.class,
                    () -> serde.deserializer().deserialize("requests", "plain text".getBytes()));
            assertTrue(e.getMessage().contains("0x70"), e.getMessage());
        }
    }

    @Test
    void shouldRejectTooShortPayload() {
        try (Serde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false)) {
            assertThrows(WireFormatException.class, () -> serde.deserializer().deserialize("requests", new byte[] {0, 0}));
        }
    }

    @Test
    void shouldRaiseSchemaNotFoundForUnknownId() {
        try (Serde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false)) {
            SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class,
                    () -> serde.deserializer().deserialize("requests", WireFormat.frame(9999, new byte[] {2, 'a'})));
            assertTrue(e.getMessage().contains("schema id 9999"), e.getMessage());
        }
    }

    @Test
    void shouldNameSchemaIdWhenPayloadDoesNotDecode() {
        try (Serde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false)) {
            byte[] good = serde.serializer().serialize("requests", Records.chatRequest("r-1"));
            int id = WireFormat.schemaId(good);
            byte[] truncated = java.util.Arrays.copyOf(good, 12);

            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.deserializer().deserialize("requests", truncated));

            assertTrue(e.getMessage().contains("writer schema id " + id), e.getMessage());
            assertTrue(e.getMessage().contains("topic requests"), e.getMessage());
        }
    }

    @Test
    void shouldReadOlderWriterSchemaIntoCurrentClassFillingDefaults() throws IOException {
        // An earlier PromptRequest without priority, sampling and metadata: the current class must read it.
        Schema older = SchemaBuilder.record("PromptRequest").namespace("dev.loraq.schemas.avro").fields()
                .requiredString("request_id").requiredString("job_id").requiredString("tenant_id")
                .optionalString("adapter_id").optionalString("prompt")
                .name("submitted_at").type(Schema.create(Schema.Type.LONG)).noDefault()
                .endRecord();
        GenericRecord old = new GenericData.Record(older);
        old.put("request_id", "old-1");
        old.put("job_id", "job-0");
        old.put("tenant_id", "acme");
        old.put("prompt", "Once upon a time");
        old.put("submitted_at", 1_700_000_000_000L);
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);
             Serde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false)) {
            int oldId = client.register("requests-value", older);

            PromptRequest read = serde.deserializer().deserialize("requests", WireFormat.frame(oldId, avro(older, old)));

            assertEquals("old-1", read.getRequestId());
            assertEquals("Once upon a time", read.getPrompt());
            assertNull(read.getAdapterId());
            assertNull(read.getMessages());
            assertEquals(0, read.getPriority());
            assertEquals(256, read.getSampling().getMaxTokens());
            assertEquals(List.of(), read.getSampling().getStop());
            assertEquals(Map.of(), read.getMetadata());
            assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), read.getSubmittedAt());
        }
    }

    @Test
    void shouldWriteWithLookedUpIdWhenAutoRegisterIsOff() {
        Map<String, Object> noAutoRegister = new java.util.HashMap<>(config);
        noAutoRegister.put(SchemaRegistryClientConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false");
        try (Serde<PromptRequest> registering = LoraqSerdes.promptRequest(config, false);
             Serde<PromptRequest> lookingUp = LoraqSerdes.promptRequest(noAutoRegister, false)) {
            assertThrows(SchemaNotFoundException.class, () -> lookingUp.serializer().serialize("requests", Records.chatRequest("r-1")));

            byte[] registered = registering.serializer().serialize("requests", Records.chatRequest("r-1"));
            byte[] lookedUp = lookingUp.serializer().serialize("requests", Records.chatRequest("r-1"));

            assertEquals(WireFormat.schemaId(registered), WireFormat.schemaId(lookedUp));
            assertTrue(server.requestLines().contains("POST /subjects/requests-value"), server.requestLines().toString());
        }
    }

    @Test
    void shouldRefuseUseLatestVersionWhenLatestDiffersFromRecordSchema() {
        Map<String, Object> useLatest = new java.util.HashMap<>(config);
        useLatest.put(SchemaRegistryClientConfig.USE_LATEST_VERSION_CONFIG, "true");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);
             Serde<PromptRequest> serde = LoraqSerdes.promptRequest(useLatest, false)) {
            client.register("requests-value", Completion.getClassSchema());

            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.serializer().serialize("requests", Records.chatRequest("r-1")));

            assertTrue(e.getMessage().contains("version 1"), e.getMessage());
            assertTrue(e.getMessage().contains("requests-value"), e.getMessage());
        }
    }

    @Test
    void shouldFailSerializerUsedBeforeConfigure() {
        AvroSerializer<PromptRequest> serializer = new AvroSerializer<>();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> serializer.serialize("t", Records.chatRequest("r")));
        assertInstanceOf(IllegalStateException.class, e);
    }

    private static byte[] avro(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
