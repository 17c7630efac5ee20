package dev.loraq.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackTest {

    private static final String SCHEMA_REGISTRY_JSON = "application/vnd.schemaregistry.v1+json";
    private static final Duration POLL_BUDGET = Duration.ofSeconds(30);

    private static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldCommitTransactionVisibleToReadCommittedReader(LocalStack stack) throws Exception {
        String suffix = UUID.randomUUID().toString();
        String input = "tx-in-" + suffix;
        String output = "tx-out-" + suffix;
        String group = "tx-group-" + suffix;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(output, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(producerProperties(stack, null))) {
            for (String value : List.of("a", "b", "c")) {
                plain.send(new ProducerRecord<>(input, value, value)).get();
            }
        }

        try (KafkaConsumer<String, String> source = new KafkaConsumer<>(consumerProperties(stack, group, "read_committed"));
             KafkaProducer<String, String> tx = new KafkaProducer<>(producerProperties(stack, "tx-" + suffix))) {
            tx.initTransactions();
            source.subscribe(List.of(input));
            List<ConsumerRecord<String, String>> consumed = pollAtLeast(source, 3);

            tx.beginTransaction();
            for (ConsumerRecord<String, String> record : consumed) {
                tx.send(new ProducerRecord<>(output, record.key(), record.value().toUpperCase()));
            }
            ConsumerRecord<String, String> last = consumed.getLast();
            tx.sendOffsetsToTransaction(
                    Map.of(new TopicPartition(input, 0), new OffsetAndMetadata(last.offset() + 1)),
                    source.groupMetadata());
            tx.commitTransaction();

            tx.beginTransaction();
            tx.send(new ProducerRecord<>(output, "x", "ABORTED")).get();
            tx.abortTransaction();

            tx.beginTransaction();
            tx.send(new ProducerRecord<>(output, "d", "D"));
            tx.commitTransaction();
        }

        try (KafkaConsumer<String, String> committedReader =
                     new KafkaConsumer<>(consumerProperties(stack, "reader-" + suffix, "read_committed"))) {
            committedReader.subscribe(List.of(output));
            assertEquals(List.of("A", "B", "C", "D"), values(pollAtLeast(committedReader, 4)));
        }
        try (KafkaConsumer<String, String> uncommittedReader =
                     new KafkaConsumer<>(consumerProperties(stack, "dirty-" + suffix, "read_uncommitted"))) {
            uncommittedReader.subscribe(List.of(output));
            // The aborted record really is in the log; only isolation hides it.
            assertEquals(List.of("A", "B", "C", "ABORTED", "D"), values(pollAtLeast(uncommittedReader, 5)));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertEquals(3L, offsets.get(new TopicPartition(input, 0)).offset(),
                    "offset committed inside the transaction");
        }
    }

    @Test
    void shouldServeConfluentCompatibleApi(LocalStack stack) throws Exception {
        String subject = "orders-value-" + UUID.randomUUID();
        String schema = avroRecord("Order", "{\"name\":\"id\",\"type\":\"string\"}");

        HttpResponse<String> registered = post(stack, "/subjects/" + encode(subject) + "/versions", schema);
        assertEquals(200, registered.statusCode(), registered.body());
        int id = intField(registered.body(), "id");

        HttpResponse<String> byId = get(stack, "/schemas/ids/" + id);
        assertEquals(200, byId.statusCode(), byId.body());
        assertTrue(byId.body().contains("Order") && byId.body().contains("\\\"id\\\""), byId.body());

        HttpResponse<String> latest = get(stack, "/subjects/" + encode(subject) + "/versions/latest");
        assertEquals(200, latest.statusCode(), latest.body());
        assertEquals(1, intField(latest.body(), "version"));
        assertEquals(id, intField(latest.body(), "id"));
        assertTrue(latest.body().contains(subject), latest.body());

        HttpResponse<String> unknown = get(stack, "/subjects/" + encode("missing-" + subject) + "/versions/latest");
        assertEquals(404, unknown.statusCode(), unknown.body());
    }

    @Test
    void shouldRejectIncompatibleSchemaWith409(LocalStack stack) throws Exception {
        String subject = "users-value-" + UUID.randomUUID();
        String path = "/subjects/" + encode(subject) + "/versions";
        assertEquals(200, post(stack, path, avroRecord("User", "{\"name\":\"name\",\"type\":\"string\"}")).statusCode());

        // A new required field without default cannot read old data: not BACKWARD compatible.
        HttpResponse<String> incompatible = post(stack, path, avroRecord("User",
                "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}"));
        assertEquals(409, incompatible.statusCode(), incompatible.body());

        // With a default it can: the rule rejects only what breaks readers.
        HttpResponse<String> compatible = post(stack, path, avroRecord("User",
                "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":0}"));
        assertEquals(200, compatible.statusCode(), compatible.body());
        assertEquals(2, intField(get(stack, path.replace("/versions", "/versions/latest")).body(), "version"));
    }

    private static Properties producerProperties(LocalStack stack, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return p;
    }

    private static Properties consumerProperties(LocalStack stack, String group, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return p;
    }

    private static List<ConsumerRecord<String, String>> pollAtLeast(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + POLL_BUDGET.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        // One more short poll: a reader that sees too much must fail the test, not pass by stopping early.
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        return records;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static String avroRecord(String name, String fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"dev.loraq.test\",\"fields\":[" + fields + "]}";
    }

    private HttpResponse<String> post(LocalStack stack, String path, String avroSchema) throws Exception {
        String body = "{\"schema\":\"" + avroSchema.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
                .header("Content-Type", SCHEMA_REGISTRY_JSON)
                .header("Accept", SCHEMA_REGISTRY_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(LocalStack stack, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
                .header("Accept", SCHEMA_REGISTRY_JSON)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8);
    }

    private static int intField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), () -> "no integer field " + field + " in " + json);
        return Integer.parseInt(m.group(1));
    }
}
