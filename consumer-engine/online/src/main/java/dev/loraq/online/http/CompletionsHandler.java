package dev.loraq.online.http;

import dev.loraq.openai.http.ApiJson;
import dev.loraq.openai.http.Exchanges;
import dev.loraq.openai.http.ApiHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.engine.Engine;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.lora.AdapterId;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.online.auth.AdapterTenants;
import dev.loraq.openai.http.auth.Authenticator;
import dev.loraq.openai.http.auth.Caller;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.openai.http.ApiError;
import dev.loraq.online.protocol.CompletionRequest;
import dev.loraq.online.protocol.EngineErrors;
import dev.loraq.online.protocol.OpenAiJson;
import dev.loraq.online.usage.TenantUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: each choice (n per prompt) is one engine
 * request of the interactive class; streamed choices write their deltas as they come, and a client that goes away
 * has every one of its requests cancelled, which frees their KV blocks.
 */
public final class CompletionsHandler extends ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(CompletionsHandler.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final boolean chat;
    private final Engine engine;
    private final Authenticator auth;
    private final AdapterTenants tenants;
    private final TenantUsage usage;
    private final OnlineConfig config;
    private final String baseModel;

    public CompletionsHandler(boolean chat, Engine engine, Authenticator auth, AdapterTenants tenants,
                              TenantUsage usage, OnlineConfig config, String baseModel) {
        super(chat ? "/v1/chat/completions" : "/v1/completions", "POST");
        this.chat = chat;
        this.engine = engine;
        this.auth = auth;
        this.tenants = tenants;
        this.usage = usage;
        this.config = config;
        this.baseModel = baseModel;
    }

    /** One choice: its engine request and where its result lands. */
    private record Choice(int index, int prompt, GenerationRequest request, CompletableFuture<GenerationResult> result) { }

    @Override
    protected void serve(HttpExchange exchange) throws IOException {
        Caller caller = auth.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        long start = System.nanoTime();
        try {
            CompletionRequest request = CompletionRequest.parse(Exchanges.readJson(exchange, config.maxBodyBytes(), OnlineConfig.MAX_BODY_BYTES),
                    chat, config.defaultMaxTokens(), config.maxN());
            String adapter = adapterOf(request.model(), caller);
            String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toString(System.currentTimeMillis(), 36) + "-"
                    + IDS.incrementAndGet();
            long created = System.currentTimeMillis() / 1000;
            List<Choice> choices = request.stream() ? stream(exchange, request, adapter, id, created)
                    : answer(exchange, request, adapter, id, created);
            long[] tokens = tokens(choices);
            usage.completed(caller.tenant(), tokens[0], tokens[1]);
            log.info("online request id={} tenant={} model={} choices={} stream={} promptTokens={} completionTokens={} ms={}",
                    id, caller.tenant(), request.model(), choices.size(), request.stream(), tokens[0], tokens[1],
                    (System.nanoTime() - start) / 1_000_000);
        } catch (ApiError e) {
            usage.refused(caller.tenant());
            log.info("online request refused tenant={} status={} code={} message={}", caller.tenant(), e.status(),
                    e.code(), e.getMessage());
            throw e;
        }
    }

    /** The adapter the model field names (null: the base model), checked against the caller's tenant. */
    private String adapterOf(String model, Caller caller) {
        if (model.equals(baseModel)) {
            return null;
        }
        if (!AdapterId.isValid(model)) {
            throw ApiError.badRequest("model", "model '" + model + "' is neither the base model '" + baseModel
                    + "' nor a valid adapter id (1-128 characters of A-Z a-z 0-9 . _ -)");
        }
        if (!tenants.mayUse(caller, model)) {
            throw ApiError.forbidden("model", "tenant '" + caller.tenant() + "' may not use adapter '" + model + "'");
        }
        return model;
    }

    private List<Choice> submit(CompletionRequest request, String adapter, String id, StreamWriter writer) {
        List<Choice> choices = new ArrayList<>();
        int prompts = chat ? 1 : request.prompts().size();
        for (int p = 0; p < prompts; p++) {
            for (int i = 0; i < request.n(); i++) {
                int index = p * request.n() + i;
                GenerationRequest g = engineRequest(request, p, index, adapter, id + "-" + index);
                if (writer != null) {
                    g = g.withListener(writer.listener(index));
                }
                CompletableFuture<GenerationResult> f = engine.submit(g);
                Choice c = new Choice(index, p, g, f);
                choices.add(c);
                if (f.isCompletedExceptionally()) {
                    cancel(choices);
                    throw failure(f, request);
                }
            }
        }
        return choices;
    }

    private GenerationRequest engineRequest(CompletionRequest request, int prompt, int index, String adapter, String requestId) {
        SamplingParams s = request.sampling();
        // Choices of one request differ: choice i samples with seed + i, so a seeded request stays reproducible.
        SamplingParams sampling = s.seed() == null || index == 0 ? s
                : new SamplingParams(s.maxTokens(), s.temperature(), s.topK(), s.topP(), s.seed() + index,
                        s.stopStrings(), s.stopTokenIds());
        GenerationRequest g;
        if (chat) {
            g = GenerationRequest.ofMessages(requestId, adapter, request.messages(), sampling);
        } else {
            CompletionRequest.Prompt p = request.prompts().get(prompt);
            g = p.text() != null ? GenerationRequest.ofPrompt(requestId, adapter, p.text(), sampling)
                    : GenerationRequest.ofTokens(requestId, adapter, p.tokenIds(), sampling);
        }
        return g.withRequestClass(RequestClass.INTERACTIVE);
    }

    private List<Choice> answer(HttpExchange exchange, CompletionRequest request, String adapter, String id,
                                long created) throws IOException {
        List<Choice> choices = submit(request, adapter, id, null);
        List<GenerationResult> results = await(choices, request);
        ObjectNode body = OpenAiJson.frame(id, chat ? "chat.completion" : "text_completion", created, request.model());
        ArrayNode array = (ArrayNode) body.get("choices");
        for (int i = 0; i < choices.size(); i++) {
            GenerationResult r = results.get(i);
            array.add(OpenAiJson.choice(chat, choices.get(i).index(), r.text(), OpenAiJson.finishReason(r.finishReason())));
        }
        long[] tokens = tokens(choices);
        body.set("usage", OpenAiJson.usage(tokens[0], tokens[1]));
        Exchanges.sendJson(exchange, 200, body);
        return choices;
    }

    private List<Choice> stream(HttpExchange exchange, CompletionRequest request, String adapter, String id,
                                long created) {
        StreamWriter writer = new StreamWriter(exchange, request, id, created);
        List<Choice> choices = submit(request, adapter, id, writer);
        writer.onDisconnect(choices);
        try {
            await(choices, request);
        } catch (ApiError e) {
            if (!writer.sse.started()) {
                throw e;
            }
            writer.sse.send(ApiJson.error(e));
            writer.sse.done();
            return choices;
        }
        if (writer.sse.broken()) {
            log.info("online stream cancelled id={} reason=client went away", id);
            return choices;
        }
        if (request.includeUsage()) {
            long[] tokens = tokens(choices);
            ObjectNode last = OpenAiJson.frame(id, "chat.completion.chunk", created, request.model());
            if (!chat) {
                last.put("object", "text_completion");
            }
            last.set("usage", OpenAiJson.usage(tokens[0], tokens[1]));
            writer.sse.send(last);
        }
        writer.sse.done();
        return choices;
    }

    /** The results in choice order; the first failure cancels the other choices and becomes the answer. */
    private List<GenerationResult> await(List<Choice> choices, CompletionRequest request) {
        List<GenerationResult> results = new ArrayList<>();
        for (Choice c : choices) {
            try {
                GenerationResult r = c.result().join();
                if (r.finishReason() == FinishReason.CANCELLED) {
                    // Cancelled by us (the client went away) or by the engine shutting down.
                    cancel(choices);
                    throw new ApiError(503, "server_error", null, "cancelled",
                            "the request was cancelled before it finished (the engine is shutting down)", -1);
                }
                results.add(r);
            } catch (CompletionException e) {
                cancel(choices);
                throw failure(c.result(), request);
            }
        }
        return results;
    }

    private ApiError failure(CompletableFuture<GenerationResult> failed, CompletionRequest request) {
        Throwable cause;
        try {
            failed.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException e) {
            cause = e.getCause();
        }
        if (cause instanceof InvalidRequestException ire) {
            return EngineErrors.toApiError(ire, request.promptParam(), config.retryAfterSeconds());
        }
        throw new IllegalStateException("engine failed: " + cause, cause);
    }

    private void cancel(List<Choice> choices) {
        for (Choice c : choices) {
            if (!c.result().isDone()) {
                engine.cancel(c.request().requestId());
            }
        }
    }

    /** Prompt tokens (once per prompt, as OpenAI counts them) and completion tokens of the finished choices. */
    private static long[] tokens(List<Choice> choices) {
        long prompt = 0;
        long completion = 0;
        int lastPrompt = -1;
        for (Choice c : choices) {
            GenerationResult r = c.result().getNow(null);
            if (r == null) {
                continue;
            }
            if (c.prompt() != lastPrompt) {
                prompt += r.promptTokens();
                lastPrompt = c.prompt();
            }
            completion += r.completionTokens();
        }
        return new long[] {prompt, completion};
    }

    /** The chunks of one streamed request: a listener per choice over one {@link SseStream}. */
    private final class StreamWriter {
        final SseStream sse;
        private final CompletionRequest request;
        private final String id;
        private final long created;
        private volatile List<Choice> choices = List.of();

        StreamWriter(HttpExchange exchange, CompletionRequest request, String id, long created) {
            this.request = request;
            this.id = id;
            this.created = created;
            this.sse = new SseStream(exchange, () -> cancel(choices));
        }

        void onDisconnect(List<Choice> submitted) {
            this.choices = submitted;
            if (sse.broken()) {
                cancel(submitted);
            }
        }

        GenerationListener listener(int index) {
            return new GenerationListener() {
                private boolean roleSent;

                @Override
                public void onToken(int tokenId, String textDelta, int position) {
                    if (!textDelta.isEmpty()) {
                        send(textDelta, null);
                    }
                }

                @Override
                public void onFinish(String textDelta, GenerationResult result) {
                    if (result.finishReason() == FinishReason.CANCELLED) {
                        return;
                    }
                    if (!textDelta.isEmpty()) {
                        send(textDelta, null);
                    }
                    send(null, OpenAiJson.finishReason(result.finishReason()));
                }

                private void send(String text, String finishReason) {
                    ObjectNode chunk = OpenAiJson.frame(id, chat ? "chat.completion.chunk" : "text_completion",
                            created, request.model());
                    ArrayNode array = (ArrayNode) chunk.get("choices");
                    if (chat && !roleSent) {
                        roleSent = true;
                        array.add(OpenAiJson.chunkChoice(true, index, "assistant", text == null ? "" : text, finishReason));
                    } else {
                        array.add(OpenAiJson.chunkChoice(chat, index, null, text, finishReason));
                    }
                    if (request.includeUsage()) {
                        chunk.putNull("usage");
                    }
                    sse.send(chunk);
                }
            };
        }
    }
}
