package dev.loraq.service.pipeline;

import dev.loraq.engine.synth.ModelPreset;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.service.EngineService;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class ProducerFencingTest {

    @Test
    void shouldRewindToCommittedOffsetsWhenProducerIsFencedMidJob(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "fence", 4, ModelPreset.SMALL);
        Map<String, String> tenantById = fixture.produceJob(240, 64, 1.0f);
        ServiceConfig config = fixture.config("solo");
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()))) {
            // Watched through the service's own count: a reader must join a group first, and a fast engine can finish
            // the job before it sees anything.
            long committed = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (committed < 40 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                committed = (long) service.metrics().count("loraq.completions", "status", "OK", "code", "");
            }
            assertTrue(committed >= 40, "no progress before the fence");
            assertTrue(committed < 240, "job finished before the fence; make it longer");

            // A second producer with the service's transactional id (what a zombie's replacement does) bumps the
            // epoch: the service's open or next transaction fails, is aborted, and its work must be redone.
            try (KafkaProducer<byte[], byte[]> zombieKiller = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                zombieKiller.initTransactions();
            }

            Seen seen = fixture.readUntil(240, Duration.ofSeconds(120));
            fixture.assertExactlyOnce(tenantById, seen);
            assertTrue(service.metrics().count("loraq.transactions", "outcome", "aborted") >= 1,
                    "the fence never failed a transaction, so the rewind path was not exercised");
            assertTrue(service.isHealthy(), "service stopped after the fence: " + service.failure());
            assertTrue(seen.deadLetters.isEmpty(), "dead letters " + seen.deadLetters);
        }
    }
}
