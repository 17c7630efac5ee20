package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.loraq.service.EngineRun;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loraq-engine run} with online.enabled=true: an online client streams from the same engine while a Kafka job
 * runs through it; both finish and the Kafka output stays exactly once.
 */
@ExtendWith(LocalStackExtension.class)
class OnlineBesideKafkaTest {

    @Test
    void anOnlineStreamAndAKafkaJobShareTheEngineAndBothFinish(LocalStack stack, @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "online-mixed", 2);
        Map<String, String> settings = fixture.settings("mixed");
        settings.put("online.enabled", "true");
        settings.put("online.port", "0");
        settings.put("online.auth", "off");
        Map<String, String> tenantById = fixture.produceJob(120, 24);
        try (EngineRun run = EngineRun.start(ConfigSources.load(null, settings, Map.of()))) {
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + run.online().port() + "/v1").apiKey("unused").maxRetries(0).build();
            StringBuilder text = new StringBuilder();
            AtomicReference<String> finish = new AtomicReference<>();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(ChatModel.of(fixture.adapters.get(3)))
                    .addUserMessage("stream while the batch runs").maxCompletionTokens(32).temperature(0.7).seed(5).build();
            for (int round = 0; round < 3; round++) {
                try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                    s.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                        c.delta().content().ifPresent(text::append);
                        c.finishReason().ifPresent(f -> finish.set(f.asString()));
                    }));
                }
                assertTrue(finish.get() != null, "the online stream finished (round " + round + ")");
            }
            assertTrue(run.service().isHealthy());
            // Online usage per tenant is on the service's metrics, beside the Kafka work (auth off: tenant "local").
            String scrape = run.service().metrics().scrape();
            assertTrue(scrape.contains("loraq_online_requests_total{outcome=\"completed\",tenant=\"local\"} 3.0"), scrape);
            assertTrue(scrape.contains("loraq_online_tokens_total{kind=\"completion\",tenant=\"local\"}"), scrape);
            PipelineFixture.Seen seen = fixture.readUntil(tenantById.size(), Duration.ofSeconds(120), Duration.ofSeconds(2));
            fixture.assertExactlyOnce(tenantById, seen);
            assertEquals(tenantById.size(), seen.completions());
        }
    }
}
