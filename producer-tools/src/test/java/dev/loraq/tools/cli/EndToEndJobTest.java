package dev.loraq.tools.cli;

import static dev.loraq.tools.cli.PipelineFixture.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import dev.loraq.tools.progress.JobProgressService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline against the real broker and registry: {@code loraq topics --create}, the job-progress service
 * and the consumer engine (on a tiny synthetic model with three LoRA adapters) in-process, {@code loraq submit} of
 * OpenAI Batch files (chat and completions endpoints) for one tenant and of a loraq-format file for another, then
 * {@code loraq collect}, {@code watch} and {@code jobs}. Request ids deliberately repeat across the two tenants, so
 * a result routed to the wrong tenant or job would show up as a duplicate or a stranger.
 */
@ExtendWith(LocalStackExtension.class)
class EndToEndJobTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String TENANT_A = "e2e-alpha";
    private static final String TENANT_B = "e2e-beta";
    private static final String CHAT_JOB = "e2e-alpha-chat";
    private static final String TEXT_JOB = "e2e-alpha-text";
    private static final String OWN_JOB = "e2e-beta-own";
    private static final String BAD_JOB = "e2e-alpha-bad";
    private static final int LINES = 30;
    private static final int MAX_TOKENS = 6;

    @TempDir
    Path dir;

    @Test
    void shouldRunOpenAiAndLoraqJobsThroughTheEngineWithEveryRequestOnceInItsTenantsOutput(LocalStack stack) throws Exception {
        CliRun topics = CliRun.of(args(stack, "topics", "--create", "--tenant", TENANT_A, "--tenant", TENANT_B));
        assertEquals(0, topics.exitCode(), topics::toString);

        ModelConfig model = SyntheticModelFolder.write(dir.resolve("model"), ModelPreset.TINY, 5);
        List<String> adapters = SyntheticModelFolder.writeAdapters(dir.resolve("adapters"), model, "ad", 3, List.of(4, 8),
                Set.of(Projection.Q, Projection.V), 17);
        ServiceConfig engineConfig = EngineFixture.engineConfig(stack, dir, "e2e-engine-" + System.nanoTime(), "e2e");
        EngineFixture.startAfterEarlierPrompts(stack, engineConfig.groupId());

        ToolsConfig toolsConfig = new ToolsConfig(Map.of(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl(), ToolsConfig.KAFKA_TIMEOUT_MS_CONFIG, 10_000,
                ToolsConfig.PROGRESS_TOPIC_DISCOVERY_MS_CONFIG, 500L, ToolsConfig.PROGRESS_COMMIT_INTERVAL_MS_CONFIG, 100L,
                ToolsConfig.PROGRESS_STATE_DIR_CONFIG, dir.resolve("streams-state").toString()));
        try (JobProgressService progress = new JobProgressService(toolsConfig);
             EngineService engine = EngineService.start(engineConfig, LocalEngine.open(engineConfig.engineSettings()))) {
            progress.start();
            assertTrue(progress.awaitRunning(Duration.ofSeconds(60)), "progress service running, state " + progress.state());

            // Tenant A: an OpenAI chat file and an OpenAI completions file over the three adapters and the base model.
            submit(stack, TENANT_A, CHAT_JOB, openAiLines(adapters, "/v1/chat/completions"));
            submit(stack, TENANT_A, TEXT_JOB, openAiLines(adapters, "/v1/completions"));
            // Tenant B: our own format, the same request ids as tenant A's chat job, some on the base model.
            submit(stack, TENANT_B, OWN_JOB, loraqLines(adapters));
            // Tenant A again: a well-formed line whose adapter does not exist fails at request level.
            submit(stack, TENANT_A, BAD_JOB, String.join("\n",
                    openAiLine("ok-1", "/v1/chat/completions", adapters.get(0), 1),
                    openAiLine("no-adapter", "/v1/chat/completions", "ad-does-not-exist", 2),
                    openAiLine("ok-2", "/v1/chat/completions", "base", 3)) + "\n");

            Map<String, JsonNode> chat = collectOpenAi(stack, TENANT_A, CHAT_JOB, "chat.completion");
            Map<String, JsonNode> text = collectOpenAi(stack, TENANT_A, TEXT_JOB, "text_completion");
            assertEquals(expectedIds(), chat.keySet());
            assertEquals(expectedIds(), text.keySet());
            for (int i = 0; i < LINES; i++) {
                String id = id(i);
                assertEquals(modelOf(adapters, i, engineModelId(chat)), chat.get(id).at("/response/body/model").asText(), id);
                assertTrue(chat.get(id).at("/response/body/choices/0/message/content").isTextual(), id);
                assertTrue(text.get(id).at("/response/body/choices/0/text").isTextual(), id);
                int generated = text.get(id).at("/response/body/usage/completion_tokens").asInt();
                assertTrue(generated >= 1 && generated <= MAX_TOKENS, id + " generated " + generated);
            }

            Path ownOut = dir.resolve(OWN_JOB + ".jsonl");
            CliRun collectOwn = CliRun.of(args(stack, "collect", "--tenant", TENANT_B, "--job", OWN_JOB, "--format", "loraq",
                    "--out", ownOut.toString(), "--timeout", "PT60S"));
            assertEquals(0, collectOwn.exitCode(), collectOwn::toString);
            Map<String, JsonNode> own = byId(lines(ownOut), "request_id");
            assertEquals(expectedIds(), own.keySet());
            assertEquals(List.of(), lines(dir.resolve(OWN_JOB + ".errors.jsonl")), "no failed requests");
            long ownPromptTokens = 0;
            for (int i = 0; i < LINES; i++) {
                JsonNode line = own.get(id(i));
                assertEquals(OWN_JOB, line.get("job_id").asText(), "tenant B's output holds only its job");
                assertEquals(TENANT_B, line.get("tenant_id").asText(), "tenant B's output holds only its tenant");
                assertEquals("OK", line.get("status").asText());
                String adapter = i % 5 == 4 ? null : adapters.get(i % adapters.size());
                assertEquals(adapter, line.get("adapter_id").isNull() ? null : line.get("adapter_id").asText(), id(i));
                ownPromptTokens += line.at("/usage/prompt_tokens").asLong();
            }

            Path badOut = dir.resolve(BAD_JOB + ".jsonl");
            CliRun collectBad = CliRun.of(args(stack, "collect", "--tenant", TENANT_A, "--job", BAD_JOB, "--out", badOut.toString(),
                    "--timeout", "PT60S"));
            assertEquals(0, collectBad.exitCode(), collectBad::toString);
            assertEquals(Set.of("ok-1", "ok-2"), byId(lines(badOut), "custom_id").keySet());
            List<JsonNode> badErrors = lines(dir.resolve(BAD_JOB + ".errors.jsonl"));
            assertEquals(1, badErrors.size(), badErrors::toString);
            assertEquals("no-adapter", badErrors.getFirst().get("custom_id").asText());
            assertEquals("unknown_adapter", badErrors.getFirst().at("/error/code").asText(), badErrors::toString);
            assertTrue(badErrors.getFirst().at("/error/message").asText().contains("ad-does-not-exist"), badErrors::toString);
            assertTrue(badErrors.getFirst().get("response").isNull());

            // The engine wrote each tenant's completions to that tenant's topic only.
            assertEquals(Set.of(OWN_JOB), jobsIn(toolsConfig, TENANT_B).keySet());
            Map<String, Long> inA = jobsIn(toolsConfig, TENANT_A);
            assertEquals(Map.of(CHAT_JOB, (long) LINES, TEXT_JOB, (long) LINES, BAD_JOB, 3L), inA, "completions per job in tenant A's topic");

            for (String job : List.of(CHAT_JOB, TEXT_JOB, OWN_JOB)) {
                CliRun watch = CliRun.of(args(stack, "watch", job, "--timeout", "PT30S"));
                assertEquals(0, watch.exitCode(), watch::toString);
                assertTrue(watch.err().contains("100%  " + LINES + "/" + LINES), watch::toString);
                assertTrue(watch.out().contains(job + " completed total=" + LINES + " completed=" + LINES + " failed=0"), watch::toString);
            }
            CliRun watchOwn = CliRun.of(args(stack, "watch", OWN_JOB, "--timeout", "PT30S"));
            assertTrue(watchOwn.out().contains(" prompt_tokens=" + ownPromptTokens + " "), "tally matches the collected usage: " + watchOwn);
            CliRun watchBad = CliRun.of(args(stack, "watch", BAD_JOB, "--timeout", "PT30S"));
            assertEquals(0, watchBad.exitCode(), watchBad::toString);
            assertTrue(watchBad.out().contains(BAD_JOB + " completed total=3 completed=2 failed=1"), watchBad::toString);

            CliRun jobsA = CliRun.of(args(stack, "jobs", "--tenant", TENANT_A));
            assertEquals(0, jobsA.exitCode(), jobsA::toString);
            assertJobRow(jobsA, CHAT_JOB, TENANT_A, LINES, LINES, 0);
            assertJobRow(jobsA, TEXT_JOB, TENANT_A, LINES, LINES, 0);
            assertJobRow(jobsA, BAD_JOB, TENANT_A, 3, 2, 1);
            assertTrue(jobsA.out().lines().noneMatch(l -> l.startsWith(OWN_JOB)), "--tenant filters: " + jobsA);
            CliRun jobsB = CliRun.of(args(stack, "jobs", "--tenant", TENANT_B));
            assertJobRow(jobsB, OWN_JOB, TENANT_B, LINES, LINES, 0);

            assertTrue(engine.isHealthy(), "engine healthy, failure " + engine.failure());
        }
    }

    private void submit(LocalStack stack, String tenant, String jobId, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(jobId + "-input.jsonl"), content, StandardCharsets.UTF_8);
        CliRun run = CliRun.of(args(stack, "submit", file.toString(), "--tenant", tenant, "--job-id", jobId));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(jobId, run.out().trim());
    }

    /** Collects in the job's own (OpenAI) format; checks the lines' shape and that nothing failed. */
    private Map<String, JsonNode> collectOpenAi(LocalStack stack, String tenant, String jobId, String object) throws Exception {
        Path out = dir.resolve(jobId + ".jsonl");
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", tenant, "--job", jobId, "--out", out.toString(), "--timeout", "PT60S"));
        assertEquals(0, collect.exitCode(), collect::toString);
        List<JsonNode> lines = lines(out);
        assertEquals(List.of(), lines(dir.resolve(jobId + ".errors.jsonl")), "no failed requests in " + jobId);
        for (JsonNode line : lines) {
            assertTrue(line.get("id").asText().startsWith("batch_req_"), line::toString);
            assertEquals(200, line.at("/response/status_code").asInt(), line::toString);
            assertEquals(object, line.at("/response/body/object").asText(), line::toString);
            assertTrue(line.get("error").isNull(), line::toString);
        }
        return byId(lines, "custom_id");
    }

    /** Lines by id; fails on a repeated id (each request exactly once). */
    private static Map<String, JsonNode> byId(List<JsonNode> lines, String field) {
        Map<String, JsonNode> byId = new TreeMap<>();
        List<String> repeated = new ArrayList<>();
        for (JsonNode line : lines) {
            if (byId.put(line.get(field).asText(), line) != null) {
                repeated.add(line.get(field).asText());
            }
        }
        assertEquals(List.of(), repeated, "ids written more than once");
        return byId;
    }

    /** Completions per job id in the tenant's topic (read_committed), straight from Kafka. */
    private static Map<String, Long> jobsIn(ToolsConfig config, String tenant) {
        Map<String, Long> perJob = new TreeMap<>();
        try (KafkaConsumer<String, Completion> consumer = PipelineClients.completionConsumer(config)) {
            String topic = OutputTopicPattern.DEFAULT.topicFor(tenant);
            TopicSnapshotReader.read(consumer, TopicSnapshotReader.partitions(consumer, topic, Duration.ofSeconds(10)), Map.of(),
                    Duration.ofSeconds(10), record -> {
                        assertEquals(tenant, record.value().getTenantId(), "tenant of a completion in " + topic);
                        perJob.merge(record.value().getJobId(), 1L, Long::sum);
                    });
        }
        return perJob;
    }

    private static void assertJobRow(CliRun jobs, String job, String tenant, long total, long completed, long failed) {
        String pattern = job + "\\s+" + tenant + "\\s+completed\\s+" + total + "\\s+" + completed + "\\s+" + failed + "\\s*";
        assertTrue(jobs.out().lines().anyMatch(l -> l.matches(pattern)), "row " + pattern + " in\n" + jobs);
    }

    private static Set<String> expectedIds() {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < LINES; i++) {
            ids.add(id(i));
        }
        return ids;
    }

    private static String id(int i) {
        return String.format("q-%02d", i);
    }

    /** Line i: adapter i % 3, except every fifth line, which asks for the base model. */
    private static String modelOf(List<String> adapters, int i, String baseModelId) {
        return i % 5 == 4 ? baseModelId : adapters.get(i % adapters.size());
    }

    /** The engine's model id, as a base-model line of the chat job reports it. */
    private static String engineModelId(Map<String, JsonNode> chat) {
        return chat.get(id(4)).at("/response/body/model").asText();
    }

    private static String openAiLines(List<String> adapters, String url) {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            file.append(openAiLine(id(i), url, i % 5 == 4 ? "base" : adapters.get(i % adapters.size()), i)).append('\n');
        }
        return file.toString();
    }

    private static String openAiLine(String customId, String url, String model, int i) {
        ObjectNode line = JSON.createObjectNode();
        line.put("custom_id", customId);
        line.put("method", "POST");
        line.put("url", url);
        ObjectNode body = line.putObject("body");
        body.put("model", model);
        if (url.equals("/v1/chat/completions")) {
            ObjectNode message = body.putArray("messages").addObject();
            message.put("role", "user");
            message.put("content", "Describe product number " + i + " in one line.");
        } else {
            body.put("prompt", "Product " + i + " is");
        }
        body.put("max_tokens", MAX_TOKENS);
        body.put("temperature", i % 2 == 0 ? 0.0 : 0.7);
        if (i % 3 == 0) {
            body.put("top_p", 0.9);
        }
        body.put("seed", 100 + i);
        return line.toString();
    }

    private static String loraqLines(List<String> adapters) {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            ObjectNode line = JSON.createObjectNode();
            line.put("request_id", id(i));
            if (i % 5 == 4) {
                line.putNull("adapter");
            } else {
                line.put("adapter", adapters.get(i % adapters.size()));
            }
            if (i % 2 == 0) {
                line.put("prompt", "Order " + i + " shipped because");
            } else {
                ObjectNode message = line.putArray("messages").addObject();
                message.put("role", "user");
                message.put("content", "Summarise ticket " + i + ".");
            }
            line.put("max_tokens", MAX_TOKENS);
            line.put("temperature", 0.0);
            line.put("seed", i);
            file.append(line).append('\n');
        }
        return file.toString();
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
}
