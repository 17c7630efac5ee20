package dev.loraq.schemas.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.CompatibilityLevel;
import dev.loraq.schemas.registry.IncompatibleSchemaException;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.Records;
import dev.loraq.schemas.serde.WireFormat;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * v1 is an older PromptRequest (no sampling, priority, messages or metadata); v2 is today's generated class, which adds
 * those fields with defaults. BACKWARD compatibility must accept v2, old data must read as v2 through the registry,
 * and breaking changes must be refused with the registry's message.
 */
@ExtendWith(LocalStackExtension.class)
class SchemaEvolutionAgainstRegistryTest {

    private static final Schema V1 = SchemaBuilder.record("PromptRequest").namespace("dev.loraq.schemas.avro").fields()
            .requiredString("request_id").requiredString("job_id").requiredString("tenant_id")
            .optionalString("adapter_id").optionalString("prompt")
            .name("submitted_at").type(Schema.create(Schema.Type.LONG)).noDefault()
            .endRecord();

    private final LocalStack stack;

    SchemaEvolutionAgainstRegistryTest(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void shouldAcceptBackwardCompatibleV2AndReadV1DataWithIt() throws Exception {
        String topic = Topics.create(stack, "evolution");
        String subject = topic + "-value";
        try (RestSchemaRegistryClient client = client()) {
            int v1Id = client.register(subject, V1);
            client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
            assertEquals(CompatibilityLevel.BACKWARD, client.getCompatibility(subject));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, WireFormat.frame(v1Id, v1Bytes("old-1", "Once upon a time")))).get();
            }

            assertTrue(client.testCompatibility(subject, PromptRequest.getClassSchema()).compatible());
            try (KafkaProducer<byte[], PromptRequest> producer = Topics.producer(stack, new AvroSerializer<>(client, true, false))) {
                producer.send(new ProducerRecord<>(topic, Records.chatRequest("new-1"))).get();
            }
            int v2Id = client.latest(subject).id();
            assertNotEquals(v1Id, v2Id);
            assertEquals(2, client.latest(subject).version());

            try (RestSchemaRegistryClient fresh = client();
                 KafkaConsumer<byte[], PromptRequest> consumer = Topics.consumer(stack, topic, new AvroDeserializer<>(PromptRequest.class, fresh))) {
                List<PromptRequest> read = new ArrayList<>(Topics.readValues(consumer, 2));

                PromptRequest old = read.getFirst();
                assertEquals("old-1", old.getRequestId());
                assertEquals("Once upon a time", old.getPrompt());
                assertNull(old.getMessages());
                assertEquals(256, old.getSampling().getMaxTokens());
                assertEquals(0, old.getPriority());
                assertEquals(Map.of(), old.getMetadata());
                assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), old.getSubmittedAt());
                assertEquals(Records.chatRequest("new-1"), read.get(1));
            }
        }
    }

    @Test
    void shouldRejectAddedFieldWithoutDefaultWithRegistryMessage() throws Exception {
        String subject = Topics.create(stack, "evolution-nodefault") + "-value";
        Schema breaking = SchemaBuilder.record("PromptRequest").namespace("dev.loraq.schemas.avro").fields()
                .requiredString("request_id").requiredString("job_id").requiredString("tenant_id")
                .optionalString("adapter_id").optionalString("prompt")
                .name("submitted_at").type(Schema.create(Schema.Type.LONG)).noDefault()
                .requiredString("region")
                .endRecord();
        try (RestSchemaRegistryClient client = client()) {
            client.register(subject, V1);
            client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

            assertFalse(client.testCompatibility(subject, breaking).compatible());
            IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class, () -> client.register(subject, breaking));

            assertEquals(subject, e.subject());
            assertTrue(e.registryMessage().contains("region"), "registry names the offending field: " + e.registryMessage());
            assertTrue(e.getMessage().contains(subject), e.getMessage());
            assertEquals(1, client.latest(subject).version());
        }
    }

    @Test
    void shouldRejectFieldTypeChangeThroughTheSerializer() throws Exception {
        String topic = Topics.create(stack, "evolution-typechange");
        String subject = topic + "-value";
        Schema priorityAsString = SchemaBuilder.record("PromptRequest").namespace("dev.loraq.schemas.avro").fields()
                .requiredString("request_id").requiredString("job_id").requiredString("tenant_id")
                .optionalString("adapter_id").optionalString("prompt")
                .name("submitted_at").type(Schema.create(Schema.Type.LONG)).noDefault()
                .name("priority").type(Schema.create(Schema.Type.BYTES)).noDefault()
                .endRecord();
        try (RestSchemaRegistryClient client = client()) {
            client.register(subject, priorityAsString);
            client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

            // Today's class has priority as int, which cannot read the registered version's bytes, so the serializer's registration is refused.
            AvroSerializer<PromptRequest> serializer = new AvroSerializer<>(client, true, false);
            IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                    () -> serializer.serialize(topic, Records.chatRequest("r-1")));

            assertEquals(subject, e.subject());
            assertFalse(e.registryMessage().isBlank());
        }
    }

    private RestSchemaRegistryClient client() {
        return new RestSchemaRegistryClient(Map.of(SchemaRegistryClientConfig.URL_CONFIG, stack.registryUrl()));
    }

    private static byte[] v1Bytes(String requestId, String prompt) throws IOException {
        GenericRecord record = new GenericData.Record(V1);
        record.put("request_id", requestId);
        record.put("job_id", "job-0");
        record.put("tenant_id", "acme");
        record.put("prompt", prompt);
        record.put("submitted_at", 1_700_000_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(V1).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
