package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.service.EngineService;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class ExactlyOncePipelineTest {

    @Test
    void shouldCompleteEveryRequestOnceInItsTenantTopicAndRouteBadInput(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "e2e", 4);
        PipelineFixture.writeBrokenAdapter(fixture.adaptersDir, "broken");
        Map<String, String> tenantById = fixture.produceJob(510);

        // Bad input, mixed into the same topic.
        List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 0, "k".getBytes(), "not avro at all".getBytes()));
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 1, "k".getBytes(), new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2, 4}));
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 2, null, fixture.serialize(
                PipelineFixture.request("no-tenant", "", null, "hi", 2, 0f))));
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 3, null, fixture.serialize(
                PipelineFixture.request("evil-tenant", "../acme", null, "hi", 2, 0f))));
        Map<String, String> errorCases = new HashMap<>();
        errorCases.put("err-unknown-adapter", "unknown_adapter");
        errorCases.put("err-broken-adapter", "adapter_load_failed");
        errorCases.put("err-too-long", "prompt_too_long");
        errorCases.put("err-sampling", "invalid_sampling");
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 0, null, fixture.serialize(
                PipelineFixture.request("err-unknown-adapter", "acme", "no-such-adapter", "hi", 2, 0f))));
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 1, null, fixture.serialize(
                PipelineFixture.request("err-broken-adapter", "globex", "broken", "hi", 2, 0f))));
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 2, null, fixture.serialize(
                PipelineFixture.request("err-too-long", "initech", null, "word ".repeat(3000), 2, 0f))));
        bad.add(new ProducerRecord<>(fixture.inputTopic(), 3, null, fixture.serialize(
                PipelineFixture.request("err-sampling", "acme", null, "hi", 2, 7.5f))));
        fixture.send(bad);
        tenantById.put("err-unknown-adapter", "acme");
        tenantById.put("err-broken-adapter", "globex");
        tenantById.put("err-too-long", "initech");
        tenantById.put("err-sampling", "acme");

        Seen seen;
        int metricsPort;
        try (EngineService service = EngineService.start(fixture.config("solo"), LocalEngine.open(fixture.config("solo").engineSettings()))) {
            seen = fixture.readUntil(tenantById.size() + 4, Duration.ofSeconds(150));
            metricsPort = service.metricsPort();
            String metrics = get(metricsPort, "/metrics");
            assertTrue(metrics.contains("loraq_completions_total"), "metrics lack completions");
            assertTrue(metrics.contains("loraq_adapter_hits_total"), "metrics lack adapter hits");
            assertTrue(metrics.contains("loraq_consumer_lag"), "metrics lack consumer lag");
            assertEquals("ok\n", get(metricsPort, "/health"));
            assertEquals("ok\n", get(metricsPort, "/ready"));
        }

        fixture.assertExactlyOnce(tenantById, seen);
        Map<String, Completion> byId = new HashMap<>();
        seen.completionsByTopic.values().forEach(list -> list.forEach(c -> byId.put(c.getRequestId(), c)));
        for (Map.Entry<String, String> error : errorCases.entrySet()) {
            Completion completion = byId.get(error.getKey());
            assertEquals(CompletionStatus.ERROR, completion.getStatus(), error.getKey());
            assertEquals(error.getValue(), completion.getError().getCode(), error.getKey() + ": " + completion.getError().getMessage());
        }
        for (int i = 0; i < 510; i++) {
            Completion completion = byId.get("req-" + i);
            assertEquals(CompletionStatus.OK, completion.getStatus(), "req-" + i + " " + completion.getError());
            assertNotNull(completion.getText());
            assertNull(completion.getError());
        }
        assertEquals(4, seen.deadLetters.size(), "dead letters " + seen.deadLetters);
        Map<String, DeadLetter> letterByCode = new HashMap<>();
        seen.deadLetters.forEach(letter -> letterByCode.put(letter.getErrorCode() + "@" + letter.getSourcePartition(), letter));
        assertNotNull(letterByCode.get("wire_format@0"), "dead letters " + letterByCode.keySet());
        assertNotNull(letterByCode.get("schema_not_found@1"), "dead letters " + letterByCode.keySet());
        assertNotNull(letterByCode.get("no_tenant@2"), "dead letters " + letterByCode.keySet());
        assertNotNull(letterByCode.get("no_tenant@3"), "dead letters " + letterByCode.keySet());
        DeadLetter wire = letterByCode.get("wire_format@0");
        assertEquals(fixture.inputTopic(), wire.getSourceTopic());
        assertEquals("not avro at all", new String(wire.getValue().array()));
        assertTrue(wire.getSourceOffset() >= 0);
    }

    private static String get(int port, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        }
    }
}
