package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class OffsetMetadataPauseTest {

    private static final int PAUSE_BYTES = 64;

    @Test
    void shouldPausePartitionWhileOffsetMetadataNearsLimitAndResumeWhenLowOffsetAdvances(LocalStack stack, @TempDir Path dir)
            throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "metapause", 1);
        fixture.createTopics(PipelineFixture.TENANTS.stream().map(fixture::outputTopic).toArray(String[]::new));
        // Two adapters interleaved in one partition (every fourth record long, on the second adapter), one compute
        // slot and no aging: the affinity scheduler serves one adapter while the other's requests wait, so offsets
        // complete with holes below them and the bit set of completed offsets above the lowest soon passes
        // PAUSE_BYTES; it shrinks only as the low offset advances.
        Map<String, String> tenantById = new HashMap<>();
        List<PromptRequest> wave1 = new ArrayList<>();
        for (int i = 0; i < 480; i++) {
            boolean slow = i % 4 == 1;
            wave1.add(PipelineFixture.request("w1-" + i, PipelineFixture.TENANTS.get(i % 3), fixture.adapters.get(slow ? 1 : 0),
                    "hello number " + i, slow ? 300 : 2, 0f));
            tenantById.put("w1-" + i, PipelineFixture.TENANTS.get(i % 3));
        }
        fixture.sendTo(0, wave1);
        Map<String, String> settings = fixture.settings("solo");
        settings.put("offset.metadata.pause.bytes", Integer.toString(PAUSE_BYTES));
        settings.put("max.queued.records", "5000");
        settings.put("max.waiting.requests", "8192"); // room in the engine for all the service may read at once
        settings.put("max.loras", "1");
        settings.put("max.cpu.loras", "2");
        settings.put("max.num.seqs", "8");
        settings.put("scheduling.policy", "affinity");
        settings.put("max.queue.wait.ms", "600000");
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        TopicPartition partition = new TopicPartition(fixture.inputTopic(), 0);
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()));
             Admin admin = fixture.admin()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (service.metrics().pausedNow("offset_metadata") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, service.metrics().pausedNow("offset_metadata"), "the partition was never paused for its offset metadata");
            // The pause comes as the transaction with that metadata is taken; it lands on the committer thread.
            OffsetAndMetadata stuck = fixture.committed(admin).get(partition);
            while (stuck == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
                stuck = fixture.committed(admin).get(partition);
            }
            assertNotNull(stuck, "nothing was committed while the partition was paused");
            assertTrue(stuck.offset() < 480, "the low offset should hold the commit, got " + stuck.offset());
            assertTrue(OffsetMetadataCodec.decode(stuck.offset(), stuck.metadata()).size() > 0,
                    "nothing completed above the committed offset " + stuck.offset());

            // Records arriving now may only be read once the partition resumes, i.e. after the low offset's request.
            List<PromptRequest> wave2 = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                wave2.add(PipelineFixture.request("w2-" + i, "acme", fixture.adapters.get(0), "late number " + i, 2, 0f));
                tenantById.put("w2-" + i, "acme");
            }
            double readBefore = service.metrics().count("loraq.records.in");
            fixture.sendTo(0, wave2);
            while (true) {
                double read = service.metrics().count("loraq.records.in");
                if (service.metrics().pausedNow("offset_metadata") == 0) {
                    break;
                }
                assertEquals(readBefore, read, "records were read while the partition was paused");
                Thread.sleep(5);
            }

            Seen seen = fixture.readUntil(tenantById.size(), Duration.ofSeconds(120));
            fixture.assertExactlyOnce(tenantById, seen);
            assertEquals(0, service.metrics().pausedNow("offset_metadata"), "still paused after the low offset advanced");
            Map<String, Completion> byId = new HashMap<>();
            seen.completionsByTopic.values().forEach(list -> list.forEach(c -> byId.put(c.getRequestId(), c)));
            Instant lowOffsetDone = byId.get("w1-" + stuck.offset()).getCompletedAt();
            for (int i = 0; i < 40; i++) {
                Instant done = byId.get("w2-" + i).getCompletedAt();
                assertTrue(!done.isBefore(lowOffsetDone), "w2-" + i + " completed at " + done
                        + ", before the low offset's request (" + lowOffsetDone + "): it was read while paused");
            }
            OffsetAndMetadata end = fixture.committed(admin).get(partition);
            assertEquals(520, end.offset(), "final committed offset");
            assertEquals("", end.metadata());
        }
    }
}
