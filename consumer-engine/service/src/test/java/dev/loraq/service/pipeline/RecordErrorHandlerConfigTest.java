package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.output.DeadLetterEveryFailure;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class RecordErrorHandlerConfigTest {

    @Test
    void recordErrorHandlerNamedInTheConfigurationDecidesWhatBecomesOfAFailedRequest(LocalStack stack, @TempDir Path dir)
            throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "handler", 1);
        Map<String, String> tenantById = fixture.produceJob(6);
        long failing = fixture.sendTo(0, List.of(PipelineFixture.request("err-unknown", "acme", "no-such-adapter", "hi", 2, 0f))).getFirst();
        Map<String, String> settings = fixture.settings("solo");
        settings.put("record.error.handler", DeadLetterEveryFailure.class.getName());
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());

        Seen seen;
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()))) {
            seen = fixture.readUntil(tenantById.size() + 1, Duration.ofSeconds(90));
            assertTrue(service.isHealthy(), "service failed: " + service.failure());
        }

        fixture.assertExactlyOnce(tenantById, seen);
        assertEquals(tenantById.size(), seen.completions(), "the failed request got a completion: " + seen.completionsByTopic);
        assertEquals(1, seen.deadLetters.size(), "dead letters " + seen.deadLetters);
        DeadLetter letter = seen.deadLetters.getFirst();
        // The default handler would have written an unknown_adapter error completion; this one sets the record aside.
        assertEquals(DeadLetterEveryFailure.CODE, letter.getErrorCode());
        assertEquals(failing, letter.getSourceOffset());
        assertTrue(letter.getErrorMessage().startsWith("worker " + config.workerId() + " set request err-unknown aside"),
                "the handler was not given the settings: " + letter.getErrorMessage());
    }
}
