package dev.loraq.tools.cli;

import static dev.loraq.tools.cli.PipelineFixture.TENANT;
import static dev.loraq.tools.cli.PipelineFixture.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgressService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment whose engine runs with a non-default output.topic.pattern and dlq.topic: with the same two settings
 * topics --create makes those topics, collect reads the tenant's results from its topic under the pattern, and the
 * job-progress service (behind watch) counts them. Real broker and registry; completions written as the engine does.
 */
@ExtendWith(LocalStackExtension.class)
class ConfiguredTopicNamesTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String pattern = "acme-results-" + run + "." + OutputTopicPattern.PLACEHOLDER;
    private final String dlq = "ops-" + run + ".dead-letters";

    @TempDir
    Path dir;

    private String[] configured(LocalStack stack, String... command) {
        return Stream.concat(Stream.of(args(stack, command)),
                Stream.of("-c", "output.topic.pattern=" + pattern, "-c", "dlq.topic=" + dlq)).toArray(String[]::new);
    }

    @Test
    void topicsCreateMakesTheConfiguredDeadLetterAndCompletionTopics(LocalStack stack) {
        CliRun describe = CliRun.of(configured(stack, "topics", "--tenant", "initech"));
        assertTrue(describe.out().contains(dlq + ": missing"), describe::toString);
        assertTrue(describe.out().contains("acme-results-" + run + ".initech: missing"), describe::toString);

        CliRun create = CliRun.of(configured(stack, "topics", "--create", "--tenant", "initech"));
        assertEquals(0, create.exitCode(), create::toString);
        assertTrue(create.out().lines().anyMatch(l -> l.startsWith(dlq + ": created") && l.contains("retention.ms=1209600000")), create::toString);
        assertTrue(create.out().contains("acme-results-" + run + ".initech: created, partitions=6"), create::toString);
        assertTrue(create.out().lines().noneMatch(l -> l.startsWith(PipelineTopics.DLQ + ":") || l.startsWith("loraq.completions.")),
                "the default dead-letter and completion topics are not the configured ones: " + create);
    }

    @Test
    void collectAndTheProgressServiceFollowTheConfiguredPattern(LocalStack stack) throws Exception {
        PipelineFixture.createTopics(stack);
        assertEquals(0, CliRun.of(configured(stack, "topics", "--create", "--tenant", TENANT)).exitCode());
        Path file = Files.writeString(dir.resolve("job.jsonl"), """
                {"request_id": "q-1", "adapter": "acme-support", "prompt": "x"}
                {"request_id": "q-2", "adapter": "missing-adapter", "prompt": "y"}
                """, StandardCharsets.UTF_8);
        CliRun submit = CliRun.of(configured(stack, "submit", file.toString(), "--tenant", TENANT, "--job-id", "pattern-" + run));
        assertEquals(0, submit.exitCode(), submit::toString);
        String jobId = submit.out().trim();
        String topic = "acme-results-" + run + "." + TENANT;
        PipelineFixture.answer(stack, jobId, topic, Set.of());

        CliRun collect = CliRun.of(configured(stack, "collect", "--tenant", TENANT, "--job", jobId, "--timeout", "PT30S"));
        assertEquals(ExitCodes.OK, collect.exitCode(), collect::toString);
        assertEquals(2, collect.out().lines().count(), "one line per request, the error too (stdout): " + collect);
        assertTrue(collect.out().contains("\"request_id\":\"q-1\"") && collect.out().contains("\"text\":\"answer to q-1\""), collect::toString);
        assertTrue(collect.out().contains("\"request_id\":\"q-2\"") && collect.out().contains("unknown_adapter"), collect::toString);

        CliRun unconfigured = CliRun.of(args(stack, "collect", "--tenant", TENANT, "--job", jobId, "--timeout", "PT2S"));
        assertEquals(ExitCodes.INCOMPLETE, unconfigured.exitCode(), "the default topic holds nothing of the job: " + unconfigured);

        Map<String, Object> settings = new HashMap<>(PipelineFixture.config(stack).originals());
        settings.put(ToolsConfig.OUTPUT_TOPIC_PATTERN_CONFIG, pattern);
        settings.put(ToolsConfig.PROGRESS_APPLICATION_ID_CONFIG, "progress-" + run);
        try (JobProgressService service = new JobProgressService(new ToolsConfig(settings))) {
            service.start();
            assertTrue(service.awaitRunning(Duration.ofSeconds(60)), "progress service running, state " + service.state());
            CliRun watch = CliRun.of(configured(stack, "watch", jobId, "--timeout", "PT60S"));
            assertEquals(0, watch.exitCode(), watch::toString);
            assertTrue(watch.out().contains(jobId + " completed total=2 completed=1 failed=1"), watch::toString);
        }
    }
}
