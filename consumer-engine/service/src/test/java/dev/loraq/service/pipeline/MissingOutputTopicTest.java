package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class MissingOutputTopicTest {

    @Test
    void shouldDeadLetterTenantWithoutTopicWhenAutoCreateIsOffAndKeepOtherTenantsFlowing(LocalStack stack, @TempDir Path dir)
            throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "noauto", 2);
        // initech's topic is deliberately missing.
        fixture.createTopics(fixture.outputTopic("acme"), fixture.outputTopic("globex"), fixture.dlqTopic());
        Map<String, String> tenantById = fixture.produceJob(90);
        Map<String, String> served = new HashMap<>();
        Set<String> initech = new HashSet<>();
        tenantById.forEach((id, tenant) -> {
            if (tenant.equals("initech")) {
                initech.add(id);
            } else {
                served.put(id, tenant);
            }
        });
        Map<String, String> settings = fixture.settings("solo");
        settings.put("topics.auto.create", "false");
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        Seen seen;
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()))) {
            seen = fixture.readUntil(90, Duration.ofSeconds(90));
            assertTrue(service.isHealthy(), "service failed: " + service.failure());
        }

        fixture.assertExactlyOnce(served, seen);
        assertEquals(served.size(), seen.completions(), "completions beyond the served tenants: " + seen.completionsByTopic.keySet());
        assertEquals(initech.size(), seen.deadLetters.size(), "one dead letter per request of the tenant without a topic");
        Set<String> lettered = new HashSet<>();
        try (AvroDeserializer<PromptRequest> requests = new AvroDeserializer<>(PromptRequest.class)) {
            requests.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
            for (DeadLetter letter : seen.deadLetters) {
                assertEquals("output_topic_missing", letter.getErrorCode(), letter.getErrorMessage().toString());
                assertEquals(fixture.inputTopic(), letter.getSourceTopic());
                assertTrue(letter.getErrorMessage().toString().contains(fixture.outputTopic("initech")), letter.getErrorMessage().toString());
                // The original record travels in the dead letter, so it can be replayed once the topic exists.
                PromptRequest original = requests.deserialize(fixture.inputTopic(), letter.getValue().array());
                assertEquals("initech", original.getTenantId());
                assertTrue(lettered.add(original.getRequestId()), "dead-lettered twice: " + original.getRequestId());
            }
        }
        assertEquals(initech, lettered);
        assertFalse(fixture.topics().contains(fixture.outputTopic("initech")), "the service created a topic while auto-creation is off");
    }

    @Test
    void shouldRefuseToStartWhenTheDeadLetterTopicIsMissingAndAutoCreateIsOff(LocalStack stack, @TempDir Path dir)
            throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "nodlq", 1);
        Map<String, String> settings = fixture.settings("solo");
        settings.put("topics.auto.create", "false");
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        try (LocalEngine engine = LocalEngine.open(config.engineSettings())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineService.start(config, engine));
            assertTrue(e.getMessage().contains(fixture.dlqTopic()) && e.getMessage().contains("topics.auto.create"),
                    e.getMessage());
        }
        assertFalse(fixture.topics().contains(fixture.dlqTopic()));
    }
}
