package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class RegistryOutageTest {

    @Test
    void shouldRetryRecordsWhileRegistryIsUnreachableAndCompleteThemOnceWhenItAnswers(LocalStack stack, @TempDir Path dir)
            throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "regdown", 2);
        Map<String, String> tenantById = fixture.produceJob(60);
        // The service reaches the real registry through a port that refuses connections until the relay starts.
        URI registry = URI.create(stack.registryUrl());
        int port = TcpRelay.freePort();
        Map<String, String> settings = fixture.settings("solo");
        settings.put("schema.registry.url", "http://127.0.0.1:" + port + registry.getPath());
        settings.put("registry.unavailable.backoff.ms", "200");
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()));
             TcpRelay relay = new TcpRelay(port, new InetSocketAddress(registry.getHost(), registry.getPort()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (service.metrics().count("loraq.registry.retries") < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(service.metrics().count("loraq.registry.retries") >= 3, "records were not retried while the registry was down");
            Seen during = fixture.readUntil(1, Duration.ofMillis(500), Duration.ZERO);
            assertEquals(0, during.completions() + during.deadLetters.size(), "output while the registry was unreachable");
            assertTrue(service.isHealthy(), "service failed while the registry was down: " + service.failure());

            relay.start();
            Seen seen = fixture.readUntil(60, Duration.ofSeconds(90));
            fixture.assertExactlyOnce(tenantById, seen);
            assertTrue(seen.deadLetters.isEmpty(), "records dead-lettered for a registry outage: " + seen.deadLetters);
        }
    }
}
