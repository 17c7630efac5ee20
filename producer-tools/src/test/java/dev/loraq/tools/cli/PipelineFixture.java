package dev.loraq.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.stack.LocalStack;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import dev.loraq.tools.topics.PipelineTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

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

    /** Every committed record of the topic, as a read_committed reader sees it. */
    static List<ConsumerRecord<String, PromptRequest>> committedPrompts(LocalStack stack, String jobId) {
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

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
