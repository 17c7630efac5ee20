package dev.loraq.schemas.it;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.Records;
import dev.loraq.stack.LocalStackMain;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The ops command as users run it: the local stack in its own process, a record produced here with the
 * serializer, and read back by another process with the deserializer.
 */
class OpsCommandRoundTripTest {

    @Test
    void shouldReadBackInAnotherProcessARecordProducedThroughTheOpsCommandStack(@TempDir Path work) throws Exception {
        Path stackOut = work.resolve("stack.out");
        Process stack = new ProcessBuilder(java("-Xmx512m", LocalStackMain.class.getName(),
                "--data-dir", work.resolve("data").toString(), "--kafka-port", "0", "--registry-port", "0"))
                .redirectErrorStream(true).redirectOutput(stackOut.toFile()).start();
        try {
            String bootstrap = awaitLine(stackOut, "bootstrap.servers=", stack);
            String registry = awaitLine(stackOut, "schema.registry.url=", stack);
            PromptRequest sent = Records.chatRequest("ops-round-trip-1");
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            AvroSerializer<PromptRequest> serializer = new AvroSerializer<>();
            serializer.configure(Map.of("schema.registry.url", registry), false);
            try (KafkaProducer<byte[], PromptRequest> producer = new KafkaProducer<>(p, new ByteArraySerializer(), serializer)) {
                producer.send(new ProducerRecord<>("ops.prompts", sent)).get(60, TimeUnit.SECONDS);
            }
            Process reader = new ProcessBuilder(java("-Xmx256m", ReadOnePromptRequest.class.getName(), bootstrap, registry,
                    "ops.prompts")).redirectErrorStream(true).start();
            assertTrue(reader.waitFor(90, TimeUnit.SECONDS), "reader process did not finish");
            String output = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, reader.exitValue(), output);
            assertTrue(output.contains("read request_id=ops-round-trip-1 tenant=" + sent.getTenantId()), output);
        } finally {
            stack.destroy();
            if (!stack.waitFor(60, TimeUnit.SECONDS)) {
                stack.descendants().forEach(ProcessHandle::destroyForcibly);
                stack.destroyForcibly();
            }
        }
    }

    private static List<String> java(String heap, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String awaitLine(Path output, String prefix, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        fail("the ops command printed no '" + prefix + "' line:\n" + Files.readString(output));
        return null;
    }
}
