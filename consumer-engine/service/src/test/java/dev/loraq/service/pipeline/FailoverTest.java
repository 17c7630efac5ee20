package dev.loraq.service.pipeline;

import dev.loraq.engine.synth.ModelPreset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.service.EngineService;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class FailoverTest {

    @Test
    void shouldStayExactlyOnceWhenConsumerProcessIsKilledAndRestarted(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "crash", 4, ModelPreset.SMALL);
        Map<String, String> tenantById = fixture.produceJob(300, 24, 1.0f);
        Process first = startChild(fixture, dir.resolve("first.log"));
        Process second = null;
        try {
            Seen progress = fixture.readUntil(60, Duration.ofSeconds(90), Duration.ZERO);
            assertTrue(progress.completions() >= 60, "first process made no progress; see " + dir.resolve("first.log"));
            assertTrue(progress.completions() < 300, "job finished before the crash; make it longer");
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            // Same worker id: same transactional id, which fences whatever the killed process left open.
            second = startChild(fixture, dir.resolve("second.log"));
            Seen seen = fixture.readUntil(300, Duration.ofSeconds(150));
            fixture.assertExactlyOnce(tenantById, seen);
            // SIGTERM is a graceful stop, and a graceful stop exits 0 (not the JVM's 143).
            second.destroy();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "second process did not stop on SIGTERM");
            assertEquals(0, second.exitValue(), "exit status after SIGTERM; see " + dir.resolve("second.log"));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                if (!second.waitFor(30, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
        }
    }

    @Test
    void shouldStayExactlyOnceWhenOneOfTwoInstancesStopsMidJob(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "rebalance", 4, ModelPreset.SMALL);
        Map<String, String> tenantById = fixture.produceJob(300, 64, 1.0f);
        try (EngineService a = EngineService.start(fixture.config("a"), LocalEngine.open(fixture.config("a").engineSettings()));
             EngineService b = EngineService.start(fixture.config("b"), LocalEngine.open(fixture.config("b").engineSettings()))) {
            // Watched through the services' own counts: a reader must join a group first, and a fast engine can
            // finish the job before it sees anything.
            long committed = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (committed < 60 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                committed = (long) (a.metrics().count("loraq.completions", "status", "OK", "code", "")
                        + b.metrics().count("loraq.completions", "status", "OK", "code", ""));
            }
            assertTrue(committed >= 60, "no progress before the stop");
            assertTrue(committed < 300, "job finished before the stop; make it longer");
            a.close();
            Seen seen = fixture.readUntil(300, Duration.ofSeconds(150));
            fixture.assertExactlyOnce(tenantById, seen);
            assertTrue(b.isHealthy(), "surviving instance failed: " + b.failure());
        }
    }

    private static Process startChild(PipelineFixture fixture, Path log) throws Exception {
        return EngineChild.start(fixture, "child", log);
    }
}
