package dev.loraq.schemas.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaNotFoundException;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerde;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.schemas.serde.Records;
import dev.loraq.schemas.serde.WireFormat;
import dev.loraq.schemas.serde.WireFormatException;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad records on a real topic: Kafka's consumer wraps our deserializer's exception into a
 * RecordDeserializationException with the record's coordinates and raw bytes, which is what a consumer needs to write
 * a DeadLetter and skip past the record.
 */
@ExtendWith(LocalStackExtension.class)
class DeserializationErrorsThroughConsumerTest {

    private final LocalStack stack;

    DeserializationErrorsThroughConsumerTest(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void shouldSurfaceBadRecordsWithCoordinatesAndRouteThemToDeadLetters() throws Exception {
        String topic = Topics.create(stack, "requests-bad");
        String deadLetterTopic = Topics.create(stack, "requests-dlt");
        Map<String, Object> config = Map.of(SchemaRegistryClientConfig.URL_CONFIG, stack.registryUrl());
        byte[] notWireFormat = "{\"request_id\":\"json\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = WireFormat.frame(987_654_321, new byte[] {2, 'x'});

        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            AvroSerializer<PromptRequest> serializer = new AvroSerializer<>(client, true, false);
            raw.send(new ProducerRecord<>(topic, "k0".getBytes(), serializer.serialize(topic, Records.chatRequest("good-0")))).get();
            ProducerRecord<byte[], byte[]> bad1 = new ProducerRecord<>(topic, "k1".getBytes(), notWireFormat);
            bad1.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
            raw.send(bad1).get();
            raw.send(new ProducerRecord<>(topic, "k2".getBytes(), unknownId)).get();
            raw.send(new ProducerRecord<>(topic, "k3".getBytes(), serializer.serialize(topic, Records.chatRequest("good-3")))).get();
        }

        List<String> good = new ArrayList<>();
        List<RecordDeserializationException> failures = new ArrayList<>();
        try (AvroSerde<DeadLetter> deadLetters = LoraqSerdes.deadLetter(config, false);
             RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);
             KafkaConsumer<byte[], PromptRequest> consumer = Topics.consumer(stack, topic, new AvroDeserializer<>(PromptRequest.class, client));
             KafkaProducer<byte[], DeadLetter> dlt = Topics.producer(stack, deadLetters.serializer())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (good.size() + failures.size() < 4 && System.nanoTime() < deadline) {
                try {
                    for (ConsumerRecord<byte[], PromptRequest> record : consumer.poll(Duration.ofMillis(200))) {
                        good.add(record.value().getRequestId());
                    }
                } catch (RecordDeserializationException e) {
                    failures.add(e);
                    dlt.send(new ProducerRecord<>(deadLetterTopic, deadLetter(e))).get();
                    // The consumer stays at the bad record until we move past it.
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }

            assertEquals(List.of("good-0", "good-3"), good);
            assertEquals(2, failures.size());

            RecordDeserializationException wireFormat = failures.get(0);
            assertEquals(new TopicPartition(topic, 0), wireFormat.topicPartition());
            assertEquals(1, wireFormat.offset());
            assertEquals(RecordDeserializationException.DeserializationExceptionOrigin.VALUE, wireFormat.origin());
            WireFormatException wireCause = assertInstanceOf(WireFormatException.class, wireFormat.getCause());
            assertTrue(wireCause.getMessage().contains("first byte is 0x7b"), wireCause.getMessage());

            RecordDeserializationException missing = failures.get(1);
            assertEquals(2, missing.offset());
            SchemaNotFoundException missingCause = assertInstanceOf(SchemaNotFoundException.class, missing.getCause());
            assertTrue(missingCause.getMessage().contains("schema id 987654321"), missingCause.getMessage());

            try (KafkaConsumer<byte[], DeadLetter> dltReader = Topics.consumer(stack, deadLetterTopic, deadLetters.deserializer())) {
                List<DeadLetter> letters = Topics.readValues(dltReader, 2);
                assertEquals(2, letters.size());
                DeadLetter first = letters.get(0);
                assertEquals(topic, first.getSourceTopic());
                assertEquals(0, first.getSourcePartition());
                assertEquals(1L, first.getSourceOffset());
                assertEquals("wire_format", first.getErrorCode());
                assertArrayEquals("k1".getBytes(), bytes(first.getKey()));
                assertArrayEquals(notWireFormat, bytes(first.getValue()));
                assertArrayEquals("acme".getBytes(StandardCharsets.UTF_8), bytes(first.getHeaders().get("tenant")));
                DeadLetter second = letters.get(1);
                assertEquals(2L, second.getSourceOffset());
                assertEquals("schema_not_found", second.getErrorCode());
                assertArrayEquals(unknownId, bytes(second.getValue()));
            }
        }
    }

    /** What the consumer service does with such a failure: keep the raw record and say why. */
    private static DeadLetter deadLetter(RecordDeserializationException e) {
        Throwable cause = e.getCause();
        String code = cause instanceof WireFormatException ? "wire_format"
                : cause instanceof SchemaNotFoundException ? "schema_not_found" : "avro_decode";
        Map<String, ByteBuffer> headers = new HashMap<>();
        for (Header header : e.headers()) {
            headers.put(header.key(), ByteBuffer.wrap(header.value()));
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(e.topicPartition().topic())
                .setSourcePartition(e.topicPartition().partition())
                .setSourceOffset(e.offset())
                .setKey(e.keyBuffer() == null ? null : copy(e.keyBuffer()))
                .setValue(e.valueBuffer() == null ? null : copy(e.valueBuffer()))
                .setErrorCode(code)
                .setErrorMessage(String.valueOf(cause.getMessage()))
                .setFailedAt(Instant.now())
                .setHeaders(headers)
                .build();
    }

    private static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer duplicate = buffer.duplicate();
        byte[] bytes = new byte[duplicate.remaining()];
        duplicate.get(bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer duplicate = buffer.duplicate();
        byte[] bytes = new byte[duplicate.remaining()];
        duplicate.get(bytes);
        return bytes;
    }
}
