package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.LifecycleErrorCode;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancel and expiry through the real service (embedded broker, registry, engine on a synthetic model): every request
 * gets exactly one completion, and the counts per outcome add up to the job's total; requests ended before they reached
 * the engine carry no usage (nothing was computed). The crash case, a kill between the cancel and its completions, is
 * the last test.
 */
@ExtendWith(LocalStackExtension.class)
class JobLifecycleTest {

    private static final String CANCELLED = LifecycleErrorCode.CANCELLED.code();
    private static final String EXPIRED = LifecycleErrorCode.BATCH_EXPIRED.code();

    @Test
    void shouldCompleteACancelledTenantsJobAsCancelledWhileOtherTenantsRunOn(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "cancel", 4, ModelPreset.SMALL);
        fixture.createTopics(fixture.jobControlTopic());
        Map<String, String> tenantById = mixedTenantJob(fixture, 300);
        ServiceConfig config = withSeqs(fixture, "a", 16);
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()))) {
            // Watched through the service's own count, not a reader that must join a group first: the cancel comes early.
            long committed = awaitCommitted(service, 10, Duration.ofSeconds(90));
            assertTrue(committed >= 10 && committed < 300, "cancel while the job runs, after " + committed + " completions");
            // Job ids are per tenant: only acme's requests of job-1 are cancelled.
            fixture.cancel("job-1", "acme");
            fixture.cancel("job-1", "acme");
            Seen seen = fixture.readUntil(300, Duration.ofSeconds(150));
            fixture.assertExactlyOnce(tenantById, seen);
            Map<String, Integer> acme = outcomes(seen.completionsByTopic.get(fixture.outputTopic("acme")));
            assertEquals(100, acme.values().stream().mapToInt(Integer::intValue).sum(), "acme's requests, each once: " + acme);
            assertEquals(100, acme.getOrDefault("OK", 0) + acme.getOrDefault(CANCELLED, 0), "only succeeded or cancelled: " + acme);
            assertTrue(acme.getOrDefault(CANCELLED, 0) > 0, "some of acme's requests cancelled: " + acme);
            List<Completion> cancelled = seen.completionsByTopic.get(fixture.outputTopic("acme")).stream()
                    .filter(c -> c.getStatus() == CompletionStatus.ERROR).toList();
            assertTrue(acme.getOrDefault("OK", 0) > 0, "acme's requests finished before the cancel stay: " + acme);
            assertTrue(cancelled.stream().anyMatch(c -> c.getFinishReason() == FinishReason.ERROR && c.getUsage().getCompletionTokens() == 0
                    && c.getUsage().getPromptTokens() == 0), "requests not yet read are cancelled without compute");
            assertTrue(cancelled.stream().anyMatch(c -> c.getFinishReason() == FinishReason.CANCELLED && c.getUsage().getCompletionTokens() > 0),
                    "running requests are stopped in the engine, their usage so far kept");
            for (String other : List.of("globex", "initech")) {
                Map<String, Integer> counts = outcomes(seen.completionsByTopic.get(fixture.outputTopic(other)));
                assertEquals(Map.of("OK", 100), counts, other + "'s job-1 is not cancelled");
            }
            assertTrue(service.isHealthy(), "service failed: " + service.failure());
        }
    }

    @Test
    void shouldExpireRequestsWhoseGenerationHasNotBegunByTheDeadline(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "expiry", 2, ModelPreset.SMALL);
        ServiceConfig config = withSeqs(fixture, "a", 1);
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()))) {
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!service.isReady() && System.nanoTime() < readyBy) {
                Thread.sleep(100);
            }
            assertTrue(service.isReady(), "service not ready");
            // Sent once the engine runs, so the window's requests are read in time and wait in the engine at the deadline.
            expire(fixture, service);
        }
    }

    private static void expire(PipelineFixture fixture, EngineService service) {
        Instant past = Instant.now().minusSeconds(60);
        Map<String, String> tenantById = new HashMap<>();
        List<PromptRequest> requests = new ArrayList<>();
        // One sequence at a time: the window's 40 long requests (512 tokens) take several times the window, so the first
        // ones begin (and finish) within it and the last ones are still waiting when it ends.
        for (int i = 0; i < 90; i++) {
            String adapter = fixture.adapters.get(i % fixture.adapters.size());
            String group = i % 9 == 0 ? "open" : i % 2 == 0 ? "late" : "window";
            String id = group + "-" + i;
            PromptRequest request = PipelineFixture.request(id, "acme", adapter, "hello number " + i, group.equals("window") ? 512 : 4, 1.0f);
            request.setExpiresAt(group.equals("late") ? past : null);
            tenantById.put(id, "acme");
            requests.add(request);
        }
        // The requests without a deadline go first and are waited for: the engine has warmed up (and loaded adapters)
        // before the window starts, so its first requests begin well within it, on a cold machine too.
        send(fixture, requests.stream().filter(r -> r.getRequestId().startsWith("open-")).toList(), null);
        assertEquals(10, fixture.readUntil(10, Duration.ofSeconds(90), Duration.ZERO).completions(), "warm-up requests");
        // The window starts now, with the records ready to send: they are read well before it ends.
        Instant soon = Instant.now().plusSeconds(4);
        send(fixture, requests.stream().filter(r -> !r.getRequestId().startsWith("open-")).toList(), soon);
        {
            Seen seen = fixture.readUntil(90, Duration.ofSeconds(180));
            fixture.assertExactlyOnce(tenantById, seen);
            List<Completion> all = seen.completionsByTopic.get(fixture.outputTopic("acme"));
            Map<String, Map<String, Integer>> byGroup = new HashMap<>();
            for (Completion c : all) {
                String group = c.getRequestId().substring(0, c.getRequestId().indexOf('-'));
                byGroup.computeIfAbsent(group, g -> new HashMap<>()).merge(outcome(c), 1, Integer::sum);
                if (group.equals("late")) {
                    assertEquals(0, c.getUsage().getPromptTokens() + c.getUsage().getCompletionTokens(), "read after its deadline: no compute");
                }
                if (EXPIRED.equals(outcome(c))) {
                    assertTrue(!c.getCompletedAt().isBefore(group.equals("late") ? past : soon), "expired before its deadline: " + c);
                }
            }
            assertEquals(Map.of(EXPIRED, 40), byGroup.get("late"), "past their deadline when read: " + byGroup);
            assertEquals(Map.of("OK", 10), byGroup.get("open"), "no deadline: " + byGroup);
            Map<String, Integer> window = byGroup.get("window");
            assertEquals(40, window.getOrDefault("OK", 0) + window.getOrDefault(EXPIRED, 0), "succeeded or expired: " + byGroup);
            assertTrue(all.stream().anyMatch(c -> c.getRequestId().startsWith("window-") && EXPIRED.equals(outcome(c))
                    && c.getFinishReason() == FinishReason.CANCELLED), "some waiting in the engine at the deadline were stopped there: " + byGroup);
            assertTrue(window.getOrDefault("OK", 0) > 0, "those whose generation began before the deadline finished: " + byGroup);
            assertTrue(service.isHealthy(), "service failed: " + service.failure());
        }
    }

    /**
     * A kill between the cancel and its completions: the restarted engine (same worker id, so it fences what the dead
     * one left open) reads the cancel before it starts anything, so after the kill nothing of the cancelled tenant's job
     * is computed, and still every request has exactly one completion.
     */
    @Test
    void shouldComputeNothingOfACancelledJobAfterACrashMidCancel(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "cancelcrash", 4, ModelPreset.SMALL);
        fixture.createTopics(fixture.jobControlTopic());
        Map<String, String> tenantById = fixture.produceJob(300, 24, 1.0f);
        Process first = EngineChild.start(fixture, "child", dir.resolve("first.log"));
        Process second = null;
        try {
            Seen early = fixture.readUntil(10, Duration.ofSeconds(90), Duration.ZERO);
            assertTrue(early.completions() >= 10, "first process made no progress; see " + dir.resolve("first.log"));
            fixture.cancel("job-1", "acme");
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Instant killed = Instant.now();
            assertTrue(early.completions() < 300, "job finished before the cancel; make it longer");
            second = EngineChild.start(fixture, "child", dir.resolve("second.log"));
            Seen seen = fixture.readUntil(300, Duration.ofSeconds(150));
            fixture.assertExactlyOnce(tenantById, seen);
            List<Completion> acme = seen.completionsByTopic.get(fixture.outputTopic("acme"));
            Map<String, Integer> counts = outcomes(acme);
            assertEquals(100, counts.getOrDefault("OK", 0) + counts.getOrDefault(CANCELLED, 0), "only succeeded or cancelled: " + counts);
            List<Completion> afterKill = acme.stream().filter(c -> c.getCompletedAt().isAfter(killed)).toList();
            assertTrue(!afterKill.isEmpty(), "the restarted engine completed some of acme's requests");
            for (Completion c : afterKill) {
                assertEquals(CANCELLED, outcome(c), "after the restart nothing of the cancelled job runs: " + c);
                assertEquals(0, c.getUsage().getPromptTokens() + c.getUsage().getCompletionTokens(), "no compute after the restart: " + c);
            }
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

    /**
     * A job of n requests of job-1 in which each tenant uses every adapter (tenant i % 3, adapter i / 3 % 12), so that
     * every partition (keyed by adapter) holds every tenant's requests: some of acme's are always in the engine.
     */
    private static Map<String, String> mixedTenantJob(PipelineFixture fixture, int n) {
        Map<String, String> tenantById = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", fixture.stack.registryUrl()), false);
            for (int i = 0; i < n; i++) {
                String tenant = PipelineFixture.TENANTS.get(i % PipelineFixture.TENANTS.size());
                String adapter = fixture.adapters.get(i / PipelineFixture.TENANTS.size() % fixture.adapters.size());
                String id = "req-" + i;
                tenantById.put(id, tenant);
                // Every other acme request is long, so some are surely mid-generation when acme's job is cancelled
                // (however fast the engine), while the short ones finish before it.
                int maxTokens = tenant.equals("acme") && (i / PipelineFixture.TENANTS.size()) % 2 == 1 ? 400 : 24;
                records.add(new ProducerRecord<>(fixture.inputTopic(), adapter.getBytes(), serializer.serialize(fixture.inputTopic(),
                        PipelineFixture.request(id, tenant, adapter, "hello number " + i, maxTokens, 1.0f))));
            }
        }
        fixture.send(records);
        return tenantById;
    }

    /** Sends the requests in one go, those of the window group with deadline {@code windowEnd}. */
    private static void send(PipelineFixture fixture, List<PromptRequest> requests, Instant windowEnd) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", fixture.stack.registryUrl()), false);
            for (PromptRequest request : requests) {
                if (request.getRequestId().startsWith("window-")) {
                    request.setExpiresAt(windowEnd);
                }
                records.add(new ProducerRecord<>(fixture.inputTopic(), request.getAdapterId().getBytes(),
                        serializer.serialize(fixture.inputTopic(), request)));
            }
        }
        fixture.send(records);
    }

    /** Waits until the service has committed at least {@code n} completions; returns how many it had. */
    private static long awaitCommitted(EngineService service, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long committed = 0;
        while (committed < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
            committed = (long) service.metrics().count("loraq.completions", "status", "OK", "code", "");
        }
        return committed;
    }

    private static ServiceConfig withSeqs(PipelineFixture fixture, String workerId, int seqs) {
        Map<String, String> settings = fixture.settings(workerId);
        settings.put("max.num.seqs", Integer.toString(seqs));
        return ConfigSources.load(null, settings, Map.of());
    }

    /** "OK", or the error code. */
    private static String outcome(Completion c) {
        return c.getStatus() == CompletionStatus.OK ? "OK" : c.getError().getCode();
    }

    private static Map<String, Integer> outcomes(List<Completion> completions) {
        Map<String, Integer> counts = new HashMap<>();
        for (Completion c : completions == null ? List.<Completion>of() : completions) {
            counts.merge(outcome(c), 1, Integer::sum);
        }
        return counts;
    }
}
