package dev.loraq.tools.cli;

import static dev.loraq.tools.cli.PipelineFixture.TENANT;
import static dev.loraq.tools.cli.PipelineFixture.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.progress.Completions;
import dev.loraq.tools.progress.JobProgressService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * collect, watch and jobs against the real broker and registry, with the job-progress service running in-process.
 * Completions are written the way the consumer engine writes them (Avro, transactional producer); the engine itself
 * is not part of this test.
 */
@ExtendWith(LocalStackExtension.class)
class CollectAndWatchTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static JobProgressService service;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(LocalStack stack) throws Exception {
        PipelineFixture.createTopics(stack);
        service = new JobProgressService(PipelineFixture.config(stack));
        service.start();
        assertTrue(service.awaitRunning(Duration.ofSeconds(60)), "progress service running, state " + service.state());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private String submit(LocalStack stack, String name, String content, String jobId) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        CliRun run = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", jobId));
        assertEquals(0, run.exitCode(), run::toString);
        return run.out().trim();
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void shouldCollectOpenAiJobWithErrorsApartAndWatchReachesFullProgress(LocalStack stack) throws Exception {
        String jobId = submit(stack, "batch.jsonl", """
                {"custom_id": "c-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "acme-support", "messages": [{"role": "user", "content": "a"}]}}
                {"custom_id": "c-2", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "acme-sql", "messages": [{"role": "user", "content": "b"}]}}
                {"custom_id": "c-3", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "missing-adapter", "messages": [{"role": "user", "content": "c"}]}}
                {"custom_id": "c-4", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "base", "messages": [{"role": "user", "content": "d"}]}}
                """, "collect-openai");
        PipelineFixture.answer(stack, jobId, OutputTopicPattern.DEFAULT.topicFor(TENANT), Set.of());

        CliRun watch = CliRun.of(args(stack, "watch", jobId, "--timeout", "PT60S"));
        assertEquals(0, watch.exitCode(), watch::toString);
        assertTrue(watch.err().contains("100%  4/4"), watch::toString);
        assertTrue(watch.out().contains("collect-openai completed total=4 completed=3 failed=1 prompt_tokens=36 completion_tokens=15"), watch::toString);

        Path out = dir.resolve("results.jsonl");
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", jobId, "--out", out.toString(), "--timeout", "PT30S"));
        assertEquals(0, collect.exitCode(), collect::toString);
        List<JsonNode> results = lines(out);
        List<JsonNode> errors = lines(dir.resolve("results.errors.jsonl"));
        assertEquals(List.of("c-1", "c-2", "c-4"), results.stream().map(n -> n.get("custom_id").asText()).sorted().toList(),
                "every successful custom_id exactly once");
        assertEquals(List.of("c-3"), errors.stream().map(n -> n.get("custom_id").asText()).toList());
        JsonNode first = results.stream().filter(n -> n.get("custom_id").asText().equals("c-1")).findFirst().orElseThrow();
        assertTrue(first.get("id").asText().startsWith("batch_req_"));
        assertEquals(200, first.at("/response/status_code").asInt());
        assertEquals("chat.completion", first.at("/response/body/object").asText());
        assertEquals("acme-support", first.at("/response/body/model").asText());
        assertEquals("answer to c-1", first.at("/response/body/choices/0/message/content").asText());
        assertEquals("stop", first.at("/response/body/choices/0/finish_reason").asText());
        assertEquals(17, first.at("/response/body/usage/total_tokens").asInt());
        assertTrue(first.get("error").isNull());
        assertEquals("unknown_adapter", errors.getFirst().at("/error/code").asText());
        assertTrue(errors.getFirst().get("response").isNull());

        CliRun jobs = CliRun.of(args(stack, "jobs", "--tenant", TENANT));
        assertEquals(0, jobs.exitCode(), jobs::toString);
        assertTrue(jobs.out().lines().anyMatch(l -> l.startsWith("collect-openai") && l.contains("completed") && l.matches(".*\\s4\\s+3\\s+1\\s*")), jobs::toString);
    }

    @Test
    void shouldCollectOurFormatJob(LocalStack stack) throws Exception {
        String jobId = submit(stack, "ours.jsonl", """
                {"request_id": "r-1", "adapter": "acme-support", "prompt": "x"}
                {"request_id": "r-2", "adapter": null, "messages": [{"role": "user", "content": "y"}]}
                """, "collect-loraq");
        PipelineFixture.answer(stack, jobId, OutputTopicPattern.DEFAULT.topicFor(TENANT), Set.of());
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", jobId, "--timeout", "PT30S"));
        assertEquals(0, collect.exitCode(), collect::toString);
        List<JsonNode> results = new ArrayList<>();
        for (String line : collect.out().lines().toList()) {
            results.add(JSON.readTree(line));
        }
        Map<String, JsonNode> byId = results.stream().collect(Collectors.toMap(n -> n.get("request_id").asText(), n -> n));
        assertEquals(Set.of("r-1", "r-2"), byId.keySet());
        assertEquals(2, results.size(), "each request once");
        assertEquals("OK", byId.get("r-1").get("status").asText());
        assertEquals("answer to r-1", byId.get("r-1").get("text").asText());
        assertEquals("collect-loraq", byId.get("r-1").get("job_id").asText());
        assertEquals(12, byId.get("r-1").at("/usage/prompt_tokens").asInt());
        assertTrue(byId.get("r-2").get("adapter_id").isNull());
    }

    @Test
    void shouldNameMissingRequestsAtTimeout(LocalStack stack) throws Exception {
        String jobId = submit(stack, "partial.jsonl", """
                {"request_id": "p-1", "adapter": "acme-support", "prompt": "x"}
                {"request_id": "p-2", "adapter": "acme-support", "prompt": "y"}
                {"request_id": "p-3", "adapter": "acme-sql", "prompt": "z"}
                """, "collect-partial");
        PipelineFixture.answer(stack, jobId, OutputTopicPattern.DEFAULT.topicFor(TENANT), Set.of("p-2", "p-3"));
        long start = System.nanoTime();
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", jobId, "--format", "loraq", "--timeout", "PT3S"));
        assertEquals(ExitCodes.INCOMPLETE, collect.exitCode(), collect::toString);
        assertTrue(System.nanoTime() - start < 30_000_000_000L);
        assertTrue(collect.err().contains("2 request(s) missing"), collect::toString);
        assertTrue(collect.err().contains("missing request_id p-2"), collect::toString);
        assertTrue(collect.err().contains("missing request_id p-3"), collect::toString);
        assertEquals(1, collect.out().lines().count(), "the one result that is in is still written");

        CliRun watch = CliRun.of(args(stack, "watch", jobId, "--timeout", "PT3S"));
        assertEquals(ExitCodes.INCOMPLETE, watch.exitCode(), watch::toString);
        assertTrue(watch.out().contains("collect-partial in_progress total=3 completed=1 failed=0"), watch::toString);
    }

    @Test
    void shouldReportDuplicateCompletions(LocalStack stack) throws Exception {
        String jobId = submit(stack, "dup.jsonl", """
                {"request_id": "d-1", "adapter": "acme-support", "prompt": "x"}
                """, "collect-duplicate");
        PipelineFixture.answer(stack, jobId, OutputTopicPattern.DEFAULT.topicFor(TENANT), Set.of());
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            // Same partition as the first (same key), after it.
            producer.send(new ProducerRecord<>(OutputTopicPattern.DEFAULT.topicFor(TENANT), "d-1",
                    Completions.ok(TENANT, jobId, "d-1", "acme-support", "second answer", 1, 1, Instant.now()))).get();
        }
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", jobId, "--timeout", "PT5S"));
        // The job is complete after the first completion; collect reads on to the end offsets it saw at that moment,
        // which include the duplicate committed before collect started: it is reported (exit 5), d-1 written once.
        assertEquals(ExitCodes.DUPLICATES, collect.exitCode(), collect::toString);
        assertEquals(1, collect.out().lines().count(), "d-1 written once: " + collect);
        assertTrue(collect.err().contains("duplicate completion"), collect::toString);
        assertTrue(collect.err().contains("request_id d-1 again at " + OutputTopicPattern.DEFAULT.topicFor(TENANT)), collect::toString);

        CliRun watch = CliRun.of(args(stack, "watch", jobId, "--timeout", "PT30S"));
        assertEquals(0, watch.exitCode(), watch::toString);
        assertTrue(watch.out().contains("collect-duplicate completed total=1 completed=1 failed=0"), "counted once: " + watch);
    }

    @Test
    void shouldFailClearlyForUnknownJob(LocalStack stack) {
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", "no-such-job", "--timeout", "PT1S"));
        assertEquals(ExitCodes.JOB, collect.exitCode(), collect::toString);
        assertTrue(collect.err().contains("job 'no-such-job' of tenant 'acme' not found"), collect::toString);
    }

    @Test
    void shouldCancelAJobOnceAndRefuseUnknownAndFinishedJobs(LocalStack stack) throws Exception {
        String jobId = submit(stack, "cancel.jsonl", """
                {"request_id": "c-1", "adapter": "acme-support", "prompt": "x"}
                {"request_id": "c-2", "adapter": "acme-support", "prompt": "y"}
                """, "cancel-me");
        CliRun cancel = CliRun.of(args(stack, "cancel", jobId, "--tenant", TENANT));
        assertEquals(0, cancel.exitCode(), cancel::toString);
        assertEquals(jobId + " cancelling", cancel.out().trim());
        CliRun watching = CliRun.of(args(stack, "watch", jobId, "--timeout", "PT3S"));
        assertTrue(watching.out().contains(jobId + " cancelling total=2 completed=0 failed=0"), watching::toString);
        CliRun again = CliRun.of(args(stack, "cancel", jobId, "--tenant", TENANT));
        assertEquals(0, again.exitCode(), "cancelling twice is harmless: " + again);
        assertTrue(again.err().contains("was already cancelling"), again::toString);
        CliRun otherTenant = CliRun.of(args(stack, "cancel", jobId, "--tenant", PipelineFixture.OTHER_TENANT));
        assertEquals(ExitCodes.JOB, otherTenant.exitCode(), otherTenant::toString);

        // The engine's answer to a cancel: one cancelled error completion per request.
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            for (String id : List.of("c-1", "c-2")) {
                producer.send(new ProducerRecord<>(OutputTopicPattern.DEFAULT.topicFor(TENANT), id,
                        Completions.error(TENANT, jobId, id, "acme-support", "cancelled", Instant.now()))).get();
            }
        }
        CliRun watch = CliRun.of(args(stack, "watch", jobId, "--timeout", "PT30S"));
        assertEquals(0, watch.exitCode(), watch::toString);
        assertTrue(watch.out().contains(jobId + " cancelled total=2 completed=0 failed=2 prompt_tokens=0 completion_tokens=0 cancelled=2 expired=0"),
                watch::toString);
        assertTrue(watch.out().contains(" cancelling_at=") && watch.out().contains(" cancelled_at="), watch::toString);
        CliRun finished = CliRun.of(args(stack, "cancel", jobId, "--tenant", TENANT));
        assertEquals(ExitCodes.JOB, finished.exitCode(), finished::toString);
        assertTrue(finished.err().contains("is already cancelled (2 of 2 requests have a result); a finished job cannot be cancelled"),
                finished::toString);
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", jobId, "--timeout", "PT10S"));
        assertEquals(0, collect.exitCode(), "a cancelled job is collected like any other: " + collect);
        assertEquals(2, collect.out().lines().filter(l -> l.contains("\"code\":\"cancelled\"")).count(), collect::toString);

        CliRun unknown = CliRun.of(args(stack, "cancel", "no-such-job", "--tenant", TENANT));
        assertEquals(ExitCodes.JOB, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("job 'no-such-job' of tenant 'acme' not found"), unknown::toString);
    }

    @Test
    void shouldSetPriorityAndDeadlineOnEveryRequest(LocalStack stack) throws Exception {
        Path file = Files.writeString(dir.resolve("window.jsonl"), """
                {"request_id": "w-1", "adapter": "acme-support", "prompt": "x", "priority": 2}
                {"request_id": "w-2", "adapter": "acme-support", "prompt": "y"}
                """, StandardCharsets.UTF_8);
        CliRun bad = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--completion-window", "soon"));
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("completion window 'soon' is not a duration"), bad::toString);
        Instant before = Instant.now();
        CliRun run = CliRun.of(args(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", "windowed",
                "--completion-window", "24h", "--priority", "7"));
        assertEquals(0, run.exitCode(), run::toString);
        var prompts = PipelineFixture.committedPrompts(stack, "windowed");
        assertEquals(2, prompts.size());
        for (var prompt : prompts) {
            assertEquals(7, prompt.value().getPriority(), "--priority replaces the line's own");
            Instant deadline = prompt.value().getExpiresAt();
            assertEquals(prompt.value().getSubmittedAt().plus(Duration.ofHours(24)), deadline);
            assertTrue(!deadline.isBefore(before.plus(Duration.ofHours(24))), deadline::toString);
        }
        CliRun watch = CliRun.of(args(stack, "watch", "windowed", "--timeout", "PT3S"));
        assertTrue(watch.out().contains("windowed validating total=2") && watch.out().contains(" expires_at="
                + prompts.getFirst().value().getExpiresAt()), watch::toString);
    }
}
