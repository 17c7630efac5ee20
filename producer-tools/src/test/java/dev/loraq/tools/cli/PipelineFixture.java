package dev.loraq.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.stack.LocalStack;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import dev.loraq.tools.progress.Completions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** Connection arguments and read-back helpers for tests against the shared local stack. */
final class PipelineFixture {

    static final String TENANT = "acme";
    static final String OTHER_TENANT = "globex";

    private PipelineFixture() {
    }

    static String[] connection(LocalStack stack) {
        return new String[] {"--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.registryUrl(),
                "-c", "kafka.timeout.ms=10000"};
    }

    static String[] args(LocalStack stack, String... args) {
        return Stream.concat(Stream.of(args), Stream.of(connection(stack))).toArray(String[]::new);
    }

    static ToolsConfig config(LocalStack stack) {
        return new ToolsConfig(Map.of(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl(), ToolsConfig.KAFKA_TIMEOUT_MS_CONFIG, 10_000,
                ToolsConfig.PROGRESS_TOPIC_DISCOVERY_MS_CONFIG, 500L, ToolsConfig.PROGRESS_COMMIT_INTERVAL_MS_CONFIG, 100L));
    }

    /** Creates the pipeline's topics once (idempotent). */
    static void createTopics(LocalStack stack) {
        CliRun run = CliRun.of(args(stack, "topics", "--create", "--tenant", TENANT, "--tenant", OTHER_TENANT));
        assertEquals(0, run.exitCode(), run::toString);
    }

    /**
     * Every committed record of the job, as a read_committed reader sees it once the transactions written so far are
     * resolved. Without that wait a reader right after a submit could stop at the last stable offset, before the submit's
     * own records whose commit marker was not yet written, and see none of them: answer() then answered nothing, and the
     * duplicate test collected only its planted duplicate.
     */
    static List<ConsumerRecord<String, PromptRequest>> committedPrompts(LocalStack stack, String jobId) {
        awaitTransactionsResolved(stack, PipelineTopics.PROMPTS);
        List<ConsumerRecord<String, PromptRequest>> records = new ArrayList<>();
        try (KafkaConsumer<String, PromptRequest> consumer = PipelineClients.promptConsumer(config(stack))) {
            TopicSnapshotReader.read(consumer, TopicSnapshotReader.partitions(consumer, PipelineTopics.PROMPTS, Duration.ofSeconds(10)),
                    Map.of(), Duration.ofSeconds(10), record -> {
                        if (record.value() != null && jobId.equals(record.value().getJobId())) {
                            records.add(record);
                        }
                    });
        }
        return records;
    }

    /** Waits (up to 10 s) until every partition's last stable offset has reached its log end: no transaction is open. */
    static void awaitTransactionsResolved(LocalStack stack, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
                if (latest.keySet().stream().allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset())) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("a transaction on " + topic + " stayed open for 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("cannot read the offsets of " + topic, e);
        }
    }

    /**
     * Answers every prompt of the job like the engine would, in one transaction to {@code topic}; requests of adapter
     * "missing-adapter" fail, those in {@code skip} get no answer.
     */
    static void answer(LocalStack stack, String jobId, String topic, Set<String> skip) {
        List<ConsumerRecord<String, PromptRequest>> prompts = committedPrompts(stack, jobId);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-engine-" + jobId);
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            producer.initTransactions();
            producer.beginTransaction();
            Instant at = Instant.now();
            for (ConsumerRecord<String, PromptRequest> record : prompts) {
                PromptRequest request = record.value();
                if (skip.contains(request.getRequestId())) {
                    continue;
                }
                at = at.plusMillis(100);
                String tenant = request.getTenantId();
                Completion completion = "missing-adapter".equals(request.getAdapterId())
                        ? Completions.error(tenant, jobId, request.getRequestId(), request.getAdapterId(), "unknown_adapter", at)
                        : Completions.ok(tenant, jobId, request.getRequestId(), request.getAdapterId(), "answer to " + request.getRequestId(), 12, 5, at);
                producer.send(new ProducerRecord<>(topic, request.getRequestId(), completion));
            }
            producer.commitTransaction();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
