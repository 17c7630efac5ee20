package dev.loraq.online;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The online API through the official OpenAI Java SDK, against a real engine on a synthetic model. */
class OnlineApiTest {

    private static OnlineFixture fx;
    private static OpenAIClient acme;
    private static OpenAIClient globex;

    @BeforeAll
    static void start() {
        fx = new OnlineFixture();
        acme = fx.client(OnlineFixture.ACME_KEY);
        globex = fx.client(OnlineFixture.GLOBEX_KEY);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static ChatCompletionCreateParams.Builder chat(String model, long maxTokens) {
        return ChatCompletionCreateParams.builder().model(ChatModel.of(model)).addUserMessage("Tell me about Kafka")
                .maxCompletionTokens(maxTokens).temperature(0.9).topP(0.95).seed(42);
    }

    private static String base() {
        return fx.engine.modelId();
    }

    @Test
    void chatCompletionOnATenantsAdapterWithUsageAndFinishReason() {
        ChatCompletion c = acme.chat().completions().create(chat("acme.support", 12).build());
        assertEquals(1, c.choices().size());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertEquals("assistant", choice.message()._role().asString().orElseThrow());
        long completion = c.usage().orElseThrow().completionTokens();
        assertTrue(completion >= 1 && completion <= 12, "completion tokens " + completion);
        assertTrue(c.usage().orElseThrow().promptTokens() > 0);
        assertEquals(c.usage().orElseThrow().promptTokens() + completion, c.usage().orElseThrow().totalTokens());
        assertEquals(completion == 12 ? ChatCompletion.Choice.FinishReason.LENGTH : ChatCompletion.Choice.FinishReason.STOP,
                choice.finishReason());
        assertEquals("acme.support", c.model());
    }

    @Test
    void streamedDeltasConcatenateToTheNonStreamedTextForTheSameSeed() {
        String whole = acme.chat().completions().create(chat("acme.sales", 40).build())
                .choices().getFirst().message().content().orElse("");
        List<String> deltas = new ArrayList<>();
        AtomicReference<String> finish = new AtomicReference<>();
        AtomicReference<Long> usage = new AtomicReference<>();
        ChatCompletionCreateParams streamed = chat("acme.sales", 40)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> s = acme.chat().completions().createStreaming(streamed)) {
            s.stream().forEach(chunk -> {
                chunk.usage().ifPresent(u -> usage.set(u.completionTokens()));
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(deltas::add);
                    ch.finishReason().ifPresent(f -> finish.set(f.asString()));
                }
            });
        }
        // The synthetic model samples raw byte tokens, so its text has multi-byte characters: a character split
        // across chunks would decode differently from the whole text.
        assertTrue(whole.chars().anyMatch(c -> c > 0x7f), "the text has multi-byte characters: " + whole);
        assertEquals(whole, String.join("", deltas), "deltas concatenate to the non-streamed text");
        assertTrue(finish.get().equals("stop") || finish.get().equals("length"), finish.get());
        assertTrue(usage.get() != null && usage.get() >= 1, "include_usage gives a usage chunk");
        for (String d : deltas) {
            assertFalse(!d.isEmpty() && (Character.isLowSurrogate(d.charAt(0))
                    || Character.isHighSurrogate(d.charAt(d.length() - 1))), "a character split across chunks: " + d);
        }
    }

    @Test
    void completionsStreamedAndNotOnTheBaseModelWithNChoices() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(base()).prompt("Once upon a time")
                .maxTokens(10).temperature(0.8).seed(7).n(2).build();
        Completion c = acme.completions().create(params);
        assertEquals(2, c.choices().size());
        assertEquals(List.of(0L, 1L), c.choices().stream().map(ch -> ch.index()).toList());
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        try (StreamResponse<Completion> s = acme.completions().createStreaming(params)) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> (ch.index() == 0 ? first : second).append(ch.text())));
        }
        assertEquals(c.choices().get(0).text(), first.toString());
        assertEquals(c.choices().get(1).text(), second.toString());
        long completion = c.usage().orElseThrow().completionTokens();
        assertTrue(completion >= 2 && completion <= 20, "both choices counted: " + completion);
    }

    @Test
    void modelsListTheBaseAndOnlyTheCallersAdaptersWithTheBaseAsParent() {
        Map<String, Model> forAcme = acme.models().list().data().stream().collect(Collectors.toMap(Model::id, m -> m));
        assertEquals(java.util.Set.of(base(), "acme.support", "acme.sales"), forAcme.keySet());
        assertEquals(JsonValue.from(base()), forAcme.get("acme.support")._additionalProperties().get("parent"));
        Map<String, Model> forGlobex = globex.models().list().data().stream().collect(Collectors.toMap(Model::id, m -> m));
        assertEquals(java.util.Set.of(base(), "globex.bot", "shared-01"), forGlobex.keySet(), "mapping and naming rule");
    }

    @Test
    void tenantsAreIsolatedFromEachOthersAdapters() {
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                () -> acme.chat().completions().create(chat("globex.bot", 4).build()));
        assertEquals(403, e.statusCode());
        assertEquals("model", e.param().orElseThrow());
        assertThrows(PermissionDeniedException.class, () -> globex.chat().completions().create(chat("acme.support", 4).build()));
        assertThrows(PermissionDeniedException.class, () -> acme.chat().completions().create(chat("shared-01", 4).build()));
        globex.chat().completions().create(chat("shared-01", 4).build());
    }

    @Test
    void missingOrUnknownKeysAre401() {
        assertEquals(401, assertThrows(UnauthorizedException.class,
                () -> fx.client("sk-not-a-key").chat().completions().create(chat("acme.support", 4).build())).statusCode());
        HttpResponse<String> none = fx.post("/chat/completions", null, "{\"model\":\"x\",\"messages\":[]}");
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("\"type\":\"authentication_error\""), none.body());
    }

    @Test
    void unknownAdapterOfTheTenantIs404() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> acme.chat().completions().create(chat("acme.missing", 4).build()));
        assertEquals("model_not_found", e.code().orElseThrow());
    }

    @Test
    void badFieldsAre400NamingTheField() {
        assertParam("temperature", () -> acme.chat().completions().create(chat("acme.support", 4).temperature(5.0).build()));
        assertParam("top_p", () -> acme.chat().completions().create(chat("acme.support", 4).topP(0.0).build()));
        assertParam("n", () -> acme.chat().completions().create(chat("acme.support", 4).n(0).build()));
        assertParam("n", () -> acme.chat().completions().create(chat("acme.support", 4).n(100).build()));
        assertParam("max_completion_tokens", () -> acme.chat().completions().create(chat("acme.support", 0).build()));
        assertParam("model", () -> acme.chat().completions().create(chat("bad/name", 4).build()));
        BadRequestException tooLong = assertParam("messages",
                () -> acme.chat().completions().create(chat("acme.support", 4).maxCompletionTokens(600).build()));
        assertEquals("context_length_exceeded", tooLong.code().orElseThrow());
        HttpResponse<String> noMessages = fx.post("/chat/completions", OnlineFixture.ACME_KEY, "{\"model\":\"acme.support\"}");
        assertEquals(400, noMessages.statusCode());
        assertTrue(noMessages.body().contains("\"param\":\"messages\""), noMessages.body());
        HttpResponse<String> notJson = fx.post("/completions", OnlineFixture.ACME_KEY, "{oops");
        assertEquals(400, notJson.statusCode());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"model\":\"acme.support\",\"prompt\":\"" + "x".repeat(70_000) + "\"}";
        HttpResponse<String> r = fx.post("/completions", OnlineFixture.ACME_KEY, big);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("online.max.body.bytes"), r.body());
    }

    private static BadRequestException assertParam(String param, Runnable call) {
        BadRequestException e = assertThrows(BadRequestException.class, call::run);
        assertEquals(param, e.param().orElse(null), "param of: " + e.getMessage());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        return e;
    }

}
