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
import dev.loraq.schemas.avro.TokenUsage;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.Completions;
import dev.loraq.tools.usage.UsageReader;
import dev.loraq.tools.usage.UsageRow;
import dev.loraq.tools.usage.UsageService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage through the whole pipeline on the real broker and registry: the consumer engine (tiny synthetic model, two
 * adapters) answers one job per tenant, {@code loraq collect} collects them, and the usage service's table and
 * {@code loraq usage} must equal the sums computed here from the collected completions: requests, errors, prompt and
 * completion tokens and engine time, per tenant, adapter, hour and day. A duplicate completion must not count twice.
 */
@ExtendWith(LocalStackExtension.class)
class UsageEndToEndTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final int LINES = 12;

    @TempDir
    Path dir;

    @Test
    void shouldSumEachTenantsCollectedCompletionsPerAdapterHourAndDay(LocalStack stack) throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        String tenantA = "usage-a-" + suffix;
        String tenantB = "usage-b-" + suffix;
        CliRun topics = CliRun.of(args(stack, "topics", "--create", "--tenant", tenantA, "--tenant", tenantB));
        assertEquals(0, topics.exitCode(), topics::toString);

        ModelConfig model = SyntheticModelFolder.write(dir.resolve("model"), ModelPreset.TINY, 5);
        List<String> adapters = SyntheticModelFolder.writeAdapters(dir.resolve("adapters"), model, "ad", 2, List.of(4, 8),
                Set.of(Projection.Q, Projection.V), 17);
        ServiceConfig engineConfig = EngineFixture.engineConfig(stack, dir, "usage-engine-" + suffix, "usage");
        EngineFixture.startAfterEarlierPrompts(stack, engineConfig.groupId());
        ToolsConfig toolsConfig = new ToolsConfig(Map.of(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl(), ToolsConfig.KAFKA_TIMEOUT_MS_CONFIG, 10_000,
                ToolsConfig.PROGRESS_TOPIC_DISCOVERY_MS_CONFIG, 500L, ToolsConfig.PROGRESS_COMMIT_INTERVAL_MS_CONFIG, 100L,
                ToolsConfig.PROGRESS_STATE_DIR_CONFIG, dir.resolve("streams-state").toString(),
                ToolsConfig.USAGE_APPLICATION_ID_CONFIG, "usage-test-" + suffix));

        List<JsonNode> collected = new ArrayList<>();
        try (UsageService usage = new UsageService(toolsConfig);
             EngineService engine = EngineService.start(engineConfig, LocalEngine.open(engineConfig.engineSettings()))) {
            usage.start();
            assertTrue(usage.awaitRunning(Duration.ofSeconds(60)), "usage service running, state " + usage.state());

            // Tenant A: both adapters, the base model and one unknown adapter (an error completion); tenant B: one adapter.
            collected.addAll(runJob(stack, tenantA, "job-a-" + suffix, jobLines(List.of(adapters.get(0), adapters.get(1)), true)));
            collected.addAll(runJob(stack, tenantB, "job-b-" + suffix, jobLines(List.of(adapters.get(1)), false)));
            assertEquals(2 * LINES, collected.size());
            for (JsonNode c : collected) {
                long engineNanos = c.at("/usage/engine_nanos").asLong();
                if (c.get("status").asText().equals("OK")) {
                    assertTrue(engineNanos > 0, "a request that ran was charged no engine time: " + c);
                } else {
                    assertEquals(0, engineNanos, "a request that never ran was charged: " + c);
                }
            }

            Map<String, List<Long>> expected = expectedRows(collected);
            assertEquals(expected, awaitRows(toolsConfig, Set.of(tenantA, tenantB), expected), "usage rows per tenant, adapter, hour and day");
            assertEquals(expectedByAdapter(collected), printed(stack, tenantA, "adapter", "adapter_id", tenantB));
            assertEquals(expectedByDay(collected), printed(stack, tenantA, "day", "day", tenantB));

            // A second completion of an already counted request is dropped; a new one after it in the same partition counts.
            Completion first = completionOf(collected.stream().filter(c -> c.get("tenant_id").asText().equals(tenantB)).findFirst().orElseThrow());
            Completion duplicate = Completion.newBuilder(first).setWorkerId("another-worker").build();
            Completion later = Completion.newBuilder(first).setRequestId("later-1").setCompletedAt(first.getCompletedAt().plusMillis(1))
                    .setUsage(new TokenUsage(7, 2, 1_234L)).build();
            produce(stack, tenantB, List.of(duplicate, later));
            add(expected, later.getTenantId(), later.getAdapterId(), "hour", later.getCompletedAt().truncatedTo(ChronoUnit.HOURS), 1, 0, 7, 2, 1_234);
            add(expected, later.getTenantId(), later.getAdapterId(), "day", later.getCompletedAt().truncatedTo(ChronoUnit.DAYS), 1, 0, 7, 2, 1_234);
            assertEquals(expected, awaitRows(toolsConfig, Set.of(tenantA, tenantB), expected), "the duplicate is not counted, the later one is");

            CliRun table = CliRun.of(args(stack, "usage", "--tenant", tenantB));
            assertEquals(0, table.exitCode(), table::toString);
            assertTrue(table.out().lines().findFirst().orElseThrow().matches("TENANT\\s+ADAPTER\\s+REQUESTS\\s+ERRORS\\s+PROMPT_TOKENS\\s+COMPLETION_TOKENS\\s+ENGINE_SECONDS"), table::toString);
            assertTrue(table.out().lines().skip(1).allMatch(l -> l.startsWith(tenantB + " ")), table::toString);
            CliRun csv = CliRun.of(args(stack, "usage", "--tenant", tenantB, "--by", "hour", "--format", "csv"));
            assertEquals(0, csv.exitCode(), csv::toString);
            assertEquals("tenant_id,hour,requests,errors,prompt_tokens,completion_tokens,engine_nanos", csv.out().lines().findFirst().orElseThrow());
            assertTrue(engine.isHealthy(), "engine healthy, failure " + engine.failure());
        }
    }

    /** Submits the job and collects it in loraq's format: every completion, failed ones from the errors file. */
    private List<JsonNode> runJob(LocalStack stack, String tenant, String jobId, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(jobId + "-input.jsonl"), content, StandardCharsets.UTF_8);
        CliRun submit = CliRun.of(args(stack, "submit", file.toString(), "--tenant", tenant, "--job-id", jobId));
        assertEquals(0, submit.exitCode(), submit::toString);
        Path out = dir.resolve(jobId + ".jsonl");
        Path errors = dir.resolve(jobId + ".errors.jsonl");
        CliRun collect = CliRun.of(args(stack, "collect", "--tenant", tenant, "--job", jobId, "--format", "loraq",
                "--out", out.toString(), "--errors", errors.toString(), "--timeout", "PT60S"));
        assertEquals(0, collect.exitCode(), collect::toString);
        List<JsonNode> lines = new ArrayList<>(lines(out));
        lines.addAll(lines(errors));
        return lines;
    }

    /** Rows of the usage table as the test computes them: key -> {requests, errors, prompt, completion, engine nanos}. */
    private static Map<String, List<Long>> expectedRows(List<JsonNode> completions) {
        Map<String, List<Long>> rows = new TreeMap<>();
        for (JsonNode c : completions) {
            Instant at = Instant.parse(c.get("completed_at").asText());
            String adapter = c.get("adapter_id").isNull() ? null : c.get("adapter_id").asText();
            long error = c.get("status").asText().equals("ERROR") ? 1 : 0;
            long prompt = c.at("/usage/prompt_tokens").asLong();
            long generated = c.at("/usage/completion_tokens").asLong();
            long engine = c.at("/usage/engine_nanos").asLong();
            add(rows, c.get("tenant_id").asText(), adapter, "hour", at.truncatedTo(ChronoUnit.HOURS), 1, error, prompt, generated, engine);
            add(rows, c.get("tenant_id").asText(), adapter, "day", at.truncatedTo(ChronoUnit.DAYS), 1, error, prompt, generated, engine);
        }
        return rows;
    }

    private static void add(Map<String, List<Long>> rows, String tenant, String adapter, String period, Instant start, long... counts) {
        List<Long> row = rows.computeIfAbsent(tenant + " " + adapter + " " + period + " " + start,
                k -> new ArrayList<>(java.util.Collections.nCopies(counts.length, 0L)));
        for (int i = 0; i < counts.length; i++) {
            row.set(i, row.get(i) + counts[i]);
        }
    }

    /** {@code loraq usage --by adapter} as the test computes it, keyed "tenant adapter". */
    private static Map<String, List<Long>> expectedByAdapter(List<JsonNode> completions) {
        return totals(completions, c -> c.get("adapter_id").isNull() ? "null" : c.get("adapter_id").asText());
    }

    /** {@code loraq usage --by day}, keyed "tenant yyyy-mm-dd". */
    private static Map<String, List<Long>> expectedByDay(List<JsonNode> completions) {
        return totals(completions, c -> Instant.parse(c.get("completed_at").asText()).atOffset(ZoneOffset.UTC).toLocalDate().toString());
    }

    private static Map<String, List<Long>> totals(List<JsonNode> completions, java.util.function.Function<JsonNode, String> group) {
        Map<String, List<Long>> totals = new TreeMap<>();
        for (JsonNode c : completions) {
            List<Long> sums = totals.computeIfAbsent(c.get("tenant_id").asText() + " " + group.apply(c), k -> new ArrayList<>(List.of(0L, 0L, 0L, 0L, 0L)));
            long[] add = {1, c.get("status").asText().equals("ERROR") ? 1 : 0, c.at("/usage/prompt_tokens").asLong(),
                    c.at("/usage/completion_tokens").asLong(), c.at("/usage/engine_nanos").asLong()};
            for (int i = 0; i < add.length; i++) {
                sums.set(i, sums.get(i) + add[i]);
            }
        }
        return totals;
    }

    /** {@code loraq usage --by VIEW --format json} for both tenants, in the shape of {@link #totals}. */
    private static Map<String, List<Long>> printed(LocalStack stack, String tenantA, String view, String field, String tenantB) throws Exception {
        Map<String, List<Long>> printed = new TreeMap<>();
        for (String tenant : List.of(tenantA, tenantB)) {
            CliRun run = CliRun.of(args(stack, "usage", "--tenant", tenant, "--by", view, "--format", "json"));
            assertEquals(0, run.exitCode(), run::toString);
            for (JsonNode line : JSON.readTree(run.out())) {
                assertEquals(tenant, line.get("tenant_id").asText(), run::toString);
                printed.put(tenant + " " + (line.get(field).isNull() ? "null" : line.get(field).asText()), List.of(line.get("requests").asLong(),
                        line.get("errors").asLong(), line.get("prompt_tokens").asLong(), line.get("completion_tokens").asLong(),
                        line.get("engine_nanos").asLong()));
            }
        }
        return printed;
    }

    /** The usage table's rows of the tenants once they equal {@code expected}, or as they are after 60 s. */
    private static Map<String, List<Long>> awaitRows(ToolsConfig config, Set<String> tenants, Map<String, List<Long>> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, List<Long>> rows;
        try (UsageReader reader = new UsageReader(config)) {
            do {
                rows = new TreeMap<>();
                for (UsageRow r : reader.snapshot().values()) {
                    if (tenants.contains(r.tenantId())) {
                        add(rows, r.tenantId(), r.adapterId(), r.period(), Instant.ofEpochMilli(r.periodStart()), r.requests(), r.errors(),
                                r.promptTokens(), r.completionTokens(), r.engineNanos());
                    }
                }
                if (expected.equals(rows)) {
                    return expected;
                }
                Thread.sleep(250);
            } while (System.nanoTime() < deadline);
        }
        return rows;
    }

    private static Completion completionOf(JsonNode line) throws Exception {
        return Completions.ok(line.get("tenant_id").asText(), line.get("job_id").asText(), line.get("request_id").asText(),
                line.get("adapter_id").isNull() ? null : line.get("adapter_id").asText(), line.get("text").asText(),
                line.at("/usage/prompt_tokens").asInt(), line.at("/usage/completion_tokens").asInt(),
                Instant.parse(line.get("completed_at").asText()));
    }

    /** Writes completions to the tenant's topic under one key, so they land in one partition in this order. */
    private static void produce(LocalStack stack, String tenant, List<Completion> completions) throws Exception {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (KafkaProducer<String, Completion> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
                LoraqSerdes.completion(registry, false).serializer())) {
            for (Completion c : completions) {
                producer.send(new ProducerRecord<>(OutputTopicPattern.DEFAULT.topicFor(tenant), "one-key", c)).get();
            }
        }
    }

    /** Lines over the adapters (and the base model every fourth line); an unknown adapter on the last line if asked. */
    private static String jobLines(List<String> adapters, boolean withUnknownAdapter) {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            ObjectNode line = JSON.createObjectNode();
            line.put("request_id", "u-" + i);
            if (withUnknownAdapter && i == LINES - 1) {
                line.put("adapter", "ad-does-not-exist");
            } else if (i % 4 == 3) {
                line.putNull("adapter");
            } else {
                line.put("adapter", adapters.get(i % adapters.size()));
            }
            line.put("prompt", "Invoice " + i + " covers " + "items ".repeat(1 + i % 5));
            line.put("max_tokens", 2 + i % 4);
            line.put("temperature", 0.0);
            file.append(line).append('\n');
        }
        return file.toString();
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        if (!Files.exists(file)) {
            return nodes;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }
}
