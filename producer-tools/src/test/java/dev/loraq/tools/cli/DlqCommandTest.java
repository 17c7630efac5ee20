package dev.loraq.tools.cli;

import static dev.loraq.tools.cli.PipelineFixture.args;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.output.DeadLetterSizing;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Dead letters written as the engine writes them, to per-test topics, then listed and replayed through the CLI. */
@ExtendWith(LocalStackExtension.class)
class DlqCommandTest {

    /** In the past, so the letters' record timestamps (now) come after their failed_at, as the engine's do. */
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(1));

    private LocalStack stack;
    private String dlqTopic;
    private String sourceTopic;

    /** An original record as the engine read it: key, Confluent wire-format value, headers and where it was. */
    private record Original(int partition, long offset, byte[] key, byte[] value, RecordHeaders headers) {
    }

    @BeforeEach
    void topics(LocalStack stack) throws Exception {
        this.stack = stack;
        String run = "dlqtest-" + UUID.randomUUID().toString().substring(0, 8);
        dlqTopic = run + ".dlq";
        sourceTopic = run + ".prompts";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(dlqTopic, 3, (short) 1), new NewTopic(sourceTopic, 2, (short) 1))).all().get();
        }
    }

    private String[] dlq(String... args) {
        return Stream.concat(Stream.of(args(stack, args)), Stream.of("-c", ToolsConfig.DLQ_TOPIC_CONFIG + "=" + dlqTopic))
                .toArray(String[]::new);
    }

    private ToolsConfig config() {
        return PipelineFixture.config(stack);
    }

    private Original original(String requestId, long offset) {
        PromptRequest request = PromptRequest.newBuilder().setRequestId(requestId).setJobId("dlq-job").setTenantId("newco")
                .setAdapterId("newco-support").setPrompt("Hello " + requestId).setSampling(SamplingParams.newBuilder().build())
                .setSubmittedAt(T0).build();
        AvroSerializer<PromptRequest> serializer = new AvroSerializer<>();
        serializer.configure(config().registryConfig(), false);
        byte[] value = serializer.serialize(sourceTopic, request);
        serializer.close();
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + requestId + "-01").getBytes(StandardCharsets.UTF_8));
        headers.add("loraq.origin", new byte[] {0, 1, 2, (byte) 0xff});
        return new Original(1, offset, "newco-support".getBytes(StandardCharsets.UTF_8), value, headers);
    }

    private DeadLetter letter(Original original, String code, Instant failedAt) {
        DeadLetter letter = new DeadLetterSizing(ServiceConfig.DLQ_MAX_VALUE_BYTES_DEFAULT).build(sourceTopic, original.partition(), original.offset(), original.key(), original.value(),
                original.headers(), code, "Output topic loraq.completions.newco does not exist (" + code + ")");
        letter.setFailedAt(failedAt);
        return letter;
    }

    /** Writes the letters in one transaction with the Avro serializer, keyed by the source key, as the engine does. */
    private void writeLetters(DeadLetter... letters) throws Exception {
        AvroSerializer<DeadLetter> values = new AvroSerializer<>();
        values.configure(config().registryConfig(), false);
        Map<String, Object> props = new HashMap<>(config().kafkaClientConfig());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "engine-" + dlqTopic);
        try (KafkaProducer<String, DeadLetter> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (DeadLetter letter : letters) {
                String key = letter.getKey() == null ? null : StandardCharsets.UTF_8.decode(letter.getKey().duplicate()).toString();
                producer.send(new ProducerRecord<>(dlqTopic, key, letter)).get();
            }
            producer.commitTransaction();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicSnapshotReader.read(consumer, TopicSnapshotReader.partitions(consumer, topic, Duration.ofSeconds(10)), Map.of(),
                    Duration.ofSeconds(10), records::add);
        }
        return records;
    }

    private long endOffsetsSum(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = TopicSnapshotReader.partitions(consumer, topic, Duration.ofSeconds(10));
            return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = new HashMap<>(config().kafkaClientConfig());
        props.keySet().retainAll(org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", false);
        return props;
    }

    @Test
    void shouldListDeadLettersFilteredByCodeAndTime() throws Exception {
        writeLetters(letter(original("r-1", 10), "output_topic_missing", T0),
                letter(original("r-2", 11), "wire_format", T0.plusSeconds(60)),
                letter(original("r-3", 12), "output_topic_missing", T0.plusSeconds(120)),
                letter(original("r-4", 13), "no_tenant", T0.plusSeconds(180)));

        CliRun all = CliRun.of(dlq("dlq", "list"));
        assertEquals(0, all.exitCode(), all::toString);
        assertEquals(4, all.out().lines().count(), all::toString);
        assertTrue(all.err().contains("4 of 4 matching"), all::toString);

        CliRun missing = CliRun.of(dlq("dlq", "list", "--code", "output_topic_missing"));
        assertEquals(0, missing.exitCode(), missing::toString);
        List<String> lines = missing.out().lines().toList();
        assertEquals(2, lines.size(), missing::toString);
        assertTrue(lines.getFirst().matches("\\d+:\\d+ " + T0 + " output_topic_missing " + sourceTopic.replace(".", "\\.")
                + "/1/10 Output topic loraq\\.completions\\.newco does not exist .*"), lines.getFirst());
        assertTrue(lines.get(1).contains(" " + T0.plusSeconds(120) + " output_topic_missing " + sourceTopic + "/1/12 "), lines.get(1));

        CliRun since = CliRun.of(dlq("dlq", "list", "--since", T0.plusSeconds(90).atOffset(java.time.ZoneOffset.ofHours(1)).toString()));
        assertEquals(List.of("output_topic_missing", "no_tenant"), since.out().lines().map(l -> l.split(" ")[2]).toList(), since::toString);

        CliRun limited = CliRun.of(dlq("dlq", "list", "--limit", "1"));
        assertEquals(1, limited.out().lines().count(), limited::toString);
        assertTrue(limited.err().contains("1 of 4 matching"), limited::toString);

        CliRun badTime = CliRun.of(dlq("dlq", "list", "--since", "yesterday"));
        assertEquals(ExitCodes.USAGE, badTime.exitCode(), badTime::toString);
        assertTrue(badTime.err().contains("--since must be an ISO-8601 time"), badTime::toString);
    }

    @Test
    void shouldReplayOriginalBytesAndHeadersUnchangedInOneTransaction() throws Exception {
        Original first = original("r-1", 10);
        Original second = original("r-2", 11);
        writeLetters(letter(first, "output_topic_missing", T0), letter(original("r-x", 12), "no_tenant", T0),
                letter(second, "output_topic_missing", T0.plusSeconds(1)));

        CliRun replay = CliRun.of(dlq("dlq", "replay", "--code", "output_topic_missing"));
        assertEquals(0, replay.exitCode(), replay::toString);
        assertTrue(replay.out().contains("replayed 2 dead letter(s) with error_code output_topic_missing to " + sourceTopic
                + " (2) in one transaction"), replay::toString);
        assertTrue(replay.err().contains("--from-offsets "), replay::toString);

        List<ConsumerRecord<byte[], byte[]>> replayed = committed(sourceTopic);
        assertEquals(2, replayed.size(), "read_committed sees both replayed records");
        for (int i = 0; i < 2; i++) {
            Original expected = i == 0 ? first : second;
            ConsumerRecord<byte[], byte[]> record = replayed.get(i);
            assertArrayEquals(expected.key(), record.key());
            assertArrayEquals(expected.value(), record.value(), "value bytes unchanged, wire format included");
            Map<String, byte[]> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value());
            }
            assertEquals(2, headers.size());
            assertArrayEquals(expected.headers().lastHeader("traceparent").value(), headers.get("traceparent"));
            assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, headers.get("loraq.origin"));
        }
        assertEquals(replayed.get(0).partition(), replayed.get(1).partition(), "same key, same partition");
        // Two data records and exactly one commit marker: both were written in one transaction.
        assertEquals(3, endOffsetsSum(sourceTopic), "two records plus one transaction marker");

        String next = replay.err().substring(replay.err().indexOf("--from-offsets ") + "--from-offsets ".length()).trim();
        CliRun again = CliRun.of(dlq("dlq", "replay", "--code", "output_topic_missing", "--from-offsets", next));
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("replayed 0 dead letter(s)"), again::toString);
        assertEquals(2, committed(sourceTopic).size(), "continuing after the printed offsets replays nothing twice");
    }

    @Test
    void shouldPublishNothingOnDryRun() throws Exception {
        writeLetters(letter(original("r-1", 10), "schema_not_found", T0), letter(original("r-2", 11), "schema_not_found", T0));

        CliRun dry = CliRun.of(dlq("dlq", "replay", "--code", "schema_not_found", "--dry-run"));
        assertEquals(0, dry.exitCode(), dry::toString);
        assertEquals(2, dry.out().lines().filter(l -> l.startsWith("would replay ") && l.endsWith(" -> " + sourceTopic)).count(), dry::toString);
        assertTrue(dry.out().contains("would replay 2 dead letter(s) with error_code schema_not_found to " + sourceTopic + " (2)"), dry::toString);
        assertEquals(0, endOffsetsSum(sourceTopic), "a dry run writes nothing, not even a transaction marker");
    }

    @Test
    void shouldRefuseWireFormatUnlessForcedAndSkipLettersWithoutValue() throws Exception {
        Original garbage = new Original(0, 5, null, "not avro".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        writeLetters(letter(garbage, "wire_format", T0),
                letter(new Original(0, 6, "k".getBytes(StandardCharsets.UTF_8), null, new RecordHeaders()), "wire_format", T0));

        CliRun refused = CliRun.of(dlq("dlq", "replay", "--code", "wire_format"));
        assertEquals(ExitCodes.INVALID_INPUT, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("refusing to replay error_code wire_format") && refused.err().contains("--force"), refused::toString);
        assertEquals(0, endOffsetsSum(sourceTopic));

        String other = sourceTopic + "-fixed";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(other, 1, (short) 1))).all().get();
        }
        CliRun forced = CliRun.of(dlq("dlq", "replay", "--code", "wire_format", "--force", "--to", other));
        assertEquals(0, forced.exitCode(), forced::toString);
        assertTrue(forced.err().contains("skipped dead letter") && forced.err().contains(sourceTopic + "/0/6") && forced.err().contains("has no value"), forced::toString);
        assertTrue(forced.out().contains("replayed 1 dead letter(s) with error_code wire_format to " + other + " (1)"), forced::toString);
        List<ConsumerRecord<byte[], byte[]>> records = committed(other);
        assertEquals(1, records.size());
        assertEquals(null, records.getFirst().key());
        assertArrayEquals(garbage.value(), records.getFirst().value());
        assertEquals(0, endOffsetsSum(sourceTopic), "--to sends nothing to the source topic");
    }

    @Test
    void shouldFailClearlyWhenTheTargetTopicIsMissing() throws Exception {
        writeLetters(letter(original("r-1", 10), "output_topic_missing", T0));
        CliRun run = CliRun.of(dlq("dlq", "replay", "--code", "output_topic_missing", "--to", "no-such-topic-" + dlqTopic));
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("loraq dlq replay: topic(s) no-such-topic-" + dlqTopic + " do not exist"), run::toString);

        CliRun noDlq = CliRun.of(Stream.concat(Stream.of(args(stack, "dlq", "list")), Stream.of("-c", "dlq.topic=absent-" + dlqTopic))
                .toArray(String[]::new));
        assertEquals(ExitCodes.UNAVAILABLE, noDlq.exitCode(), noDlq::toString);
        assertTrue(noDlq.err().contains("absent-" + dlqTopic), noDlq::toString);
    }
}
