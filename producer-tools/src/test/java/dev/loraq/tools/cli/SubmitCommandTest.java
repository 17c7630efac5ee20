package dev.loraq.tools.cli;

import static dev.loraq.tools.cli.PipelineFixture.TENANT;
import static dev.loraq.tools.cli.PipelineFixture.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.avro.OutputFormat;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.kafka.ManifestLookup;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.submit.JobSubmitter;
import dev.loraq.tools.submit.PromptOffsets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class SubmitCommandTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void topics(LocalStack stack) {
        PipelineFixture.createTopics(stack);
    }

    static final String OPENAI_FILE = """
            {"custom_id": "oa-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "acme-support", "messages": [{"role": "user", "content": "Where is my order?"}], "max_tokens": 16, "temperature": 0}}
            {"custom_id": "oa-2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "acme-sql", "messages": [{"role": "system", "content": "SQL only"}, {"role": "user", "content": "count users"}], "max_tokens": 24, "seed": 5, "stop": ["; "]}}
            {"custom_id": "oa-3", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "base", "messages": [{"role": "user", "content": "Hi"}]}}
            """;

    static final String LORAQ_FILE = """
            {"request_id": "lq-1", "adapter": "acme-support", "prompt": "Once upon a time", "max_tokens": 8, "top_k": 20, "priority": 2, "metadata": {"src": "test"}}
            {"request_id": "lq-2", "adapter": null, "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 4}
            """;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void shouldPublishOpenAiFileAndManifestReadableWithReadCommitted(LocalStack stack) throws Exception {
        Path file = write("batch.jsonl", OPENAI_FILE);
        CliRun run = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", "submit-openai-1"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("submit-openai-1", run.out().trim());

        List<ConsumerRecord<String, PromptRequest>> records = PipelineFixture.committedPrompts(stack, "submit-openai-1");
        Map<String, ConsumerRecord<String, PromptRequest>> byId = records.stream()
                .collect(Collectors.toMap(r -> r.value().getRequestId(), r -> r));
        assertEquals(Set.of("oa-1", "oa-2", "oa-3"), byId.keySet());
        PromptRequest first = byId.get("oa-1").value();
        assertEquals("acme-support", byId.get("oa-1").key(), "keyed by adapter id");
        assertEquals("acme-support", first.getAdapterId());
        assertEquals(TENANT, first.getTenantId());
        assertEquals("Where is my order?", first.getMessages().getFirst().getContent());
        assertEquals(16, first.getSampling().getMaxTokens());
        assertEquals(0f, first.getSampling().getTemperature());
        PromptRequest second = byId.get("oa-2").value();
        assertEquals("acme-sql", byId.get("oa-2").key());
        assertEquals(2, second.getMessages().size());
        assertEquals(5L, second.getSampling().getSeed());
        assertEquals(List.of("; "), second.getSampling().getStop());
        assertNull(byId.get("oa-3").key(), "base-model requests have no adapter key");
        assertNull(byId.get("oa-3").value().getAdapterId());

        try (KafkaConsumer<String, JobManifest> consumer = PipelineClients.manifestConsumer(PipelineFixture.config(stack))) {
            JobManifest manifest = ManifestLookup.find(consumer, "submit-openai-1", Duration.ofSeconds(10));
            assertEquals(3, manifest.getRequestCount());
            assertEquals(TENANT, manifest.getTenantId());
            assertEquals(OutputFormat.OPENAI_BATCH, manifest.getOutput().getFormat());
            assertEquals("/v1/chat/completions", manifest.getMetadata().get(JobSubmitter.ENDPOINT_KEY));
            Map<Integer, long[]> ranges = PromptOffsets.parse(manifest.getMetadata().get(PromptOffsets.METADATA_KEY));
            for (ConsumerRecord<String, PromptRequest> record : records) {
                long[] range = ranges.get(record.partition());
                assertTrue(range != null && record.offset() >= range[0] && record.offset() <= range[1],
                        "manifest offset ranges cover " + record.partition() + "@" + record.offset());
            }
        }
    }

    @Test
    void shouldPublishOurFormatAndGenerateAJobId(LocalStack stack) throws Exception {
        Path file = write("ours.jsonl", LORAQ_FILE);
        CliRun run = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT));
        assertEquals(0, run.exitCode(), run::toString);
        String jobId = run.out().trim();
        assertTrue(jobId.matches("job-\\d{8}-\\d{6}-[0-9a-f]{6}"), jobId);
        Map<String, PromptRequest> byId = PipelineFixture.committedPrompts(stack, jobId).stream()
                .collect(Collectors.toMap(r -> r.value().getRequestId(), ConsumerRecord::value));
        assertEquals(Set.of("lq-1", "lq-2"), byId.keySet());
        assertEquals("Once upon a time", byId.get("lq-1").getPrompt());
        assertEquals(20, byId.get("lq-1").getSampling().getTopK());
        assertEquals(2, byId.get("lq-1").getPriority());
        assertEquals("test", byId.get("lq-1").getMetadata().get("src"));
        assertEquals(4, byId.get("lq-2").getSampling().getMaxTokens());
    }

    @Test
    void shouldRefuseAJobIdThatExists(LocalStack stack) throws Exception {
        Path file = write("ours.jsonl", LORAQ_FILE);
        assertEquals(0, CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", "submit-twice")).exitCode());
        CliRun again = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", "submit-twice"));
        assertEquals(ExitCodes.JOB, again.exitCode(), again::toString);
        assertTrue(again.err().contains("job id 'submit-twice' already exists"), again::toString);
        assertEquals(2, PipelineFixture.committedPrompts(stack, "submit-twice").size(), "the second submit published nothing");
    }

    private void assertRejected(LocalStack stack, String jobId, byte[] content, String... expectedErrors) throws Exception {
        Path file = Files.write(dir.resolve(jobId + ".jsonl"), content);
        CliRun run = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", jobId));
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode(), run::toString);
        assertTrue(run.out().isBlank(), "no job id printed: " + run);
        assertTrue(run.err().contains("nothing was published"), run::toString);
        for (String expected : expectedErrors) {
            assertTrue(run.err().contains(file + ":" + expected), "expected '" + file + ":" + expected + "' in\n" + run);
        }
        assertEquals(0, PipelineFixture.committedPrompts(stack, jobId).size(), "no prompt of " + jobId + " is readable");
        try (KafkaConsumer<String, JobManifest> consumer = PipelineClients.manifestConsumer(PipelineFixture.config(stack))) {
            assertNull(ManifestLookup.find(consumer, jobId, Duration.ofSeconds(10)), "no manifest of " + jobId);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final String GOOD_LINE = "{\"request_id\": \"ok-1\", \"adapter\": \"a\", \"prompt\": \"fine\"}\n";

    @Test
    void shouldPublishNothingForMalformedJson(LocalStack stack) throws Exception {
        assertRejected(stack, "bad-json", utf8(GOOD_LINE + "{\"request_id\": \"x\",\n"), "2: malformed JSON");
    }

    @Test
    void shouldPublishNothingForUnknownField(LocalStack stack) throws Exception {
        assertRejected(stack, "bad-unknown", utf8(GOOD_LINE + "{\"request_id\": \"x\", \"adapter\": \"a\", \"prompt\": \"p\", \"maxtokens\": 3}\n"),
                "2: unknown field 'maxtokens'");
    }

    @Test
    void shouldPublishNothingForMissingField(LocalStack stack) throws Exception {
        assertRejected(stack, "bad-missing", utf8(GOOD_LINE + "{\"adapter\": \"a\", \"prompt\": \"p\"}\n"),
                "2: missing required field 'request_id'");
    }

    @Test
    void shouldPublishNothingForMissingModel(LocalStack stack) throws Exception {
        assertRejected(stack, "bad-model", utf8("""
                {"custom_id": "c1", "method": "POST", "url": "/v1/completions", "body": {"model": "m", "prompt": "x"}}
                {"custom_id": "c2", "method": "POST", "url": "/v1/completions", "body": {"prompt": "x"}}
                """), "2: missing required field 'body.model'");
    }

    @Test
    void shouldPublishNothingForWrongType(LocalStack stack) throws Exception {
        assertRejected(stack, "bad-type", utf8(GOOD_LINE + "{\"request_id\": \"x\", \"adapter\": \"a\", \"prompt\": \"p\", \"max_tokens\": \"ten\"}\n"),
                "2: field 'max_tokens' must be an integer, got string \"ten\"");
    }

    @Test
    void shouldPublishNothingForNonUtf8Bytes(LocalStack stack) throws Exception {
        byte[] latin1 = "{\"request_id\": \"x\", \"adapter\": \"a\", \"prompt\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] content = new byte[GOOD_LINE.length() + latin1.length];
        System.arraycopy(utf8(GOOD_LINE), 0, content, 0, GOOD_LINE.length());
        System.arraycopy(latin1, 0, content, GOOD_LINE.length(), latin1.length);
        assertRejected(stack, "bad-utf8", content, "2: not valid UTF-8");
    }

    @Test
    void shouldPublishNothingForDuplicateId(LocalStack stack) throws Exception {
        assertRejected(stack, "bad-duplicate", utf8(GOOD_LINE + GOOD_LINE), "2: duplicate request_id 'ok-1', first used on line 1");
    }

    @Test
    void shouldFailClearlyWhenBrokerIsUnreachable(LocalStack stack) throws Exception {
        Path file = write("ok.jsonl", GOOD_LINE);
        int port = PipelineFixture.freePort();
        long start = System.nanoTime();
        CliRun run = CliRun.of("submit", file.toString(), "--tenant", TENANT, "--job-id", "no-broker",
                "--bootstrap-servers", "127.0.0.1:" + port, "--schema-registry-url", stack.registryUrl(), "-c", "kafka.timeout.ms=2000");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Kafka broker(s) at 127.0.0.1:" + port + " did not answer within 2000 ms"), run::toString);
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "gives up within the timeout");
        assertEquals(0, PipelineFixture.committedPrompts(stack, "no-broker").size());
    }

    @Test
    void shouldFailClearlyWhenRegistryIsUnreachable(LocalStack stack) throws Exception {
        Path file = write("ok.jsonl", GOOD_LINE);
        int port = PipelineFixture.freePort();
        CliRun run = CliRun.of("submit", file.toString(), "--tenant", TENANT, "--job-id", "no-registry",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", "http://127.0.0.1:" + port + "/apis/ccompat/v7",
                "-c", "kafka.timeout.ms=5000", "-c", "registry.retries=0");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("schema registry at http://127.0.0.1:" + port + "/apis/ccompat/v7 failed"), run::toString);
        assertTrue(run.err().contains("nothing was published"), run::toString);
        assertEquals(0, PipelineFixture.committedPrompts(stack, "no-registry").size());
        try (KafkaConsumer<String, JobManifest> consumer = PipelineClients.manifestConsumer(PipelineFixture.config(stack))) {
            assertNull(ManifestLookup.find(consumer, "no-registry", Duration.ofSeconds(10)));
        }
    }
}
