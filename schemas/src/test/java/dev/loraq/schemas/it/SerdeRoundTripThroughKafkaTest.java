package dev.loraq.schemas.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerde;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.schemas.serde.Records;
import dev.loraq.schemas.serde.WireFormat;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SerdeRoundTripThroughKafkaTest {

    private final LocalStack stack;

    SerdeRoundTripThroughKafkaTest(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void shouldRoundTripPromptRequestsThroughRealTopicAndRegistry() throws Exception {
        String topic = Topics.create(stack, "requests");
        Map<String, Object> config = Map.of(SchemaRegistryClientConfig.URL_CONFIG, stack.registryUrl());
        List<PromptRequest> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(Records.chatRequest("r-" + i));
        }
        try (AvroSerde<PromptRequest> serde = LoraqSerdes.promptRequest(config, false);
             KafkaProducer<byte[], PromptRequest> producer = Topics.producer(stack, serde.serializer())) {
            for (PromptRequest request : sent) {
                producer.send(new ProducerRecord<>(topic, request)).get();
            }
            try (KafkaConsumer<byte[], PromptRequest> consumer = Topics.consumer(stack, topic, serde.deserializer())) {
                assertEquals(sent, Topics.readValues(consumer, sent.size()));
            }
        }
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config)) {
            assertEquals(PromptRequest.getClassSchema(), client.latest(topic + "-value").schema());
        }
    }

    @Test
    void shouldRoundTripCompletionsWithoutRegistryCallsAfterFirstRecord() throws Exception {
        String topic = Topics.create(stack, "completions.acme");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(Map.of(SchemaRegistryClientConfig.URL_CONFIG, stack.registryUrl()));
             KafkaProducer<byte[], Completion> producer = Topics.producer(stack, new AvroSerializer<>(client, true, false))) {
            producer.send(new ProducerRecord<>(topic, Records.okCompletion("c-0"))).get();
            AvroDeserializer<Completion> deserializer = new AvroDeserializer<>(Completion.class, client);
            try (KafkaConsumer<byte[], byte[]> raw = Topics.consumer(stack, topic, new ByteArrayDeserializer())) {
                byte[] first = Topics.readValues(raw, 1).getFirst();
                assertEquals(client.register(topic + "-value", Completion.getClassSchema()), WireFormat.schemaId(first));
                assertEquals(Records.okCompletion("c-0"), deserializer.deserialize(topic, first));
            }
            long callsAfterFirst = client.httpRequestCount();

            for (int i = 1; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, Records.okCompletion("c-" + i)));
            }
            producer.flush();
            try (KafkaConsumer<byte[], Completion> consumer = Topics.consumer(stack, topic, deserializer)) {
                List<Completion> received = Topics.readValues(consumer, 50);
                assertEquals(50, received.size());
                assertEquals(Records.okCompletion("c-49"), received.getLast());
            }

            assertEquals(callsAfterFirst, client.httpRequestCount(), "hot path must not call the registry");
        }
    }
}
