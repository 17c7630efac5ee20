package dev.loraq.service.pipeline;

import dev.loraq.engine.synth.ModelPreset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.consumer.OffsetMetadataCodec;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class RevocationTest {

    private static final int PARTITIONS = 4;
    private static final int PER_PARTITION = 160;
    /** Long requests on the small preset stay in flight for most of the job, also on a slow or busy machine. */
    private static final int LONG_TOKENS = 160;

    @Test
    void shouldCancelInFlightWorkOnRevocationAndLetNewOwnerSkipOffsetsCompletedAboveLowOffset(LocalStack stack, @TempDir Path dir)
            throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "revoke", PARTITIONS, ModelPreset.SMALL);
        // Every eighth request is long; small polls interleave the partitions, so short ones
        // complete above long ones still running everywhere and the committed metadata names completed offsets above
        // the low offset. The job is long enough to be mid-way when B joins.
        Map<String, String> tenantById = new HashMap<>();
        Map<String, String> idByCoordinates = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<PromptRequest> requests = new ArrayList<>();
            for (int i = 0; i < PER_PARTITION; i++) {
                String id = "p" + p + "-" + i;
                String tenant = PipelineFixture.TENANTS.get(i % 3);
                requests.add(PipelineFixture.request(id, tenant, fixture.adapters.get((p + i) % 4), "hello " + id,
                        i % 8 == 0 ? LONG_TOKENS : 2, 1.0f));
                tenantById.put(id, tenant);
            }
            List<Long> offsets = fixture.sendTo(p, requests);
            for (int i = 0; i < offsets.size(); i++) {
                idByCoordinates.put(p + "@" + offsets.get(i), requests.get(i).getRequestId());
            }
        }
        Map<String, String> settings = fixture.settings("a");
        settings.put("revocation.timeout.ms", "100");
        settings.put("max.num.seqs", "16");
        settings.put("kv.cache.tokens", "8192");
        settings.put("max.queued.records", "1000");
        settings.put("kafka.consumer.max.poll.records", "4");
        settings.put("kafka.consumer.max.partition.fetch.bytes", "512");
        ServiceConfig configA = ConfigSources.load(null, settings, Map.of());
        settings.put("worker.id", fixture.prefix + "-b");
        ServiceConfig configB = ConfigSources.load(null, settings, Map.of());

        // B's engine is opened before A starts, so that B joins the group (and the rebalance starts) within moments.
        LocalEngine engineB = LocalEngine.open(configB.engineSettings());
        Set<String> completedAboveByA = new HashSet<>();
        try (EngineService a = EngineService.start(configA, LocalEngine.open(configA.engineSettings()));
             Admin admin = fixture.admin()) {
            // Completed-above offsets A committed before B joined, read back through an Admin client; B joins once
            // every partition has some, whichever partitions the rebalance then moves.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Set<Integer> partitionsWithCompletedAbove = new HashSet<>();
            while (partitionsWithCompletedAbove.size() < PARTITIONS && System.nanoTime() < deadline) {
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : fixture.committed(admin).entrySet()) {
                    for (long offset : OffsetMetadataCodec.decode(e.getValue().offset(), e.getValue().metadata())) {
                        completedAboveByA.add(e.getKey().partition() + "@" + offset);
                        partitionsWithCompletedAbove.add(e.getKey().partition());
                    }
                }
                Thread.sleep(20);
            }
            assertEquals(PARTITIONS, partitionsWithCompletedAbove.size(),
                    "A never committed completed offsets above its low offset in every partition: " + partitionsWithCompletedAbove);

            // B joins: the cooperative rebalance revokes some of A's partitions while their requests are in flight.
            try (EngineService b = EngineService.start(configB, engineB)) {
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while ((cancelledOnRevocation(a) == 0
                        || b.metrics().count("loraq.records.in") + b.metrics().count("loraq.records.skipped") == 0)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Seen seen = fixture.readUntil(tenantById.size(), Duration.ofSeconds(120));
                fixture.assertExactlyOnce(tenantById, seen);

                assertTrue(cancelledOnRevocation(a) >= 1,
                        "revocation cancelled nothing in flight (revocation.timeout.ms=100 with " + LONG_TOKENS + "-token requests)");
                assertTrue(b.metrics().count("loraq.records.skipped") >= 1, "the new owner skipped no completed offset");
                Map<String, Completion> byId = new HashMap<>();
                seen.completionsByTopic.values().forEach(list -> list.forEach(c -> byId.put(c.getRequestId(), c)));
                for (String coordinates : completedAboveByA) {
                    Completion completion = byId.get(idByCoordinates.get(coordinates));
                    // Recorded as done in A's metadata: A's output stays the only one, whoever owns the partition now.
                    assertEquals(configA.workerId(), completion.getWorkerId(), "request at " + coordinates);
                }
                assertTrue(b.isHealthy() && a.isHealthy(), "an instance failed: " + a.failure() + " / " + b.failure());
            }
        } finally {
            engineB.close();
        }
    }

    /**
     * In-flight requests A cancelled when the rebalance took partitions away: by the revocation itself or, when the
     * commit inside the revocation callback fails (the group generation can move on during a cooperative
     * rebalance), by the rewind that follows the aborted transaction.
     */
    private static double cancelledOnRevocation(EngineService a) {
        return a.metrics().count("loraq.requests.cancelled", "reason", "revocation")
                + a.metrics().count("loraq.requests.cancelled", "reason", "rewind");
    }
}
