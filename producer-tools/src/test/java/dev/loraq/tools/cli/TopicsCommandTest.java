package dev.loraq.tools.cli;

import static dev.loraq.tools.cli.PipelineFixture.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class TopicsCommandTest {

    @Test
    void shouldCreateMissingTopicsOnceAndChangeNothingTheSecondTime(LocalStack stack) {
        CliRun describeBefore = CliRun.of(args(stack, "topics", "--tenant", "initech"));
        assertTrue(describeBefore.out().contains("loraq.completions.initech: missing"), describeBefore::toString);
        assertEquals(ExitCodes.UNAVAILABLE, describeBefore.exitCode(), "describe reports missing topics");

        CliRun first = CliRun.of(args(stack, "topics", "--create", "--tenant", "initech"));
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().contains("loraq.completions.initech: created, partitions=6, replication.factor=1, cleanup.policy=delete"), first::toString);
        assertTrue(first.out().lines().anyMatch(l -> l.startsWith("loraq.jobs: ") && l.contains("cleanup.policy=compact") && l.contains("min.insync.replicas=1")), first::toString);
        assertTrue(first.out().lines().anyMatch(l -> l.startsWith("loraq.job-progress: ") && l.contains("cleanup.policy=compact")), first::toString);
        assertTrue(first.out().lines().anyMatch(l -> l.startsWith("loraq.prompts: ") && l.contains("partitions=12") && l.contains("retention.ms=604800000")), first::toString);

        CliRun second = CliRun.of(args(stack, "topics", "--create", "--tenant", "initech"));
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().contains("loraq.completions.initech: exists, partitions=6"), second::toString);
        assertTrue(!second.out().contains("created") && !second.out().contains("differs"), "second run changes nothing: " + second);
    }
}
