package dev.loraq.service.inference;

import dev.loraq.engine.Engine;
import dev.loraq.engine.EngineStats;
import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.engine.sched.SchedulerStats;
import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.FinishReason;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The in-process multi-LoRA {@link Engine} behind the service's {@link InferenceEngine} view. */
public final class LocalEngine implements InferenceEngine {

    private final Engine engine;

    private LocalEngine(Engine engine) {
        this.engine = engine;
    }

    /** Opens the engine (loads model, tokenizer and adapter source) from the engine's own keys. */
    public static LocalEngine open(Map<String, String> engineSettings) {
        return new LocalEngine(Engine.open(new EngineConfig(engineSettings)));
    }

    public static LocalEngine wrap(Engine engine) {
        return new LocalEngine(engine);
    }

    @Override
    public CompletableFuture<InferenceResult> submit(InferenceRequest request) {
        return submit(request, (GenerationListener) null);
    }

    @Override
    public CompletableFuture<InferenceResult> submit(InferenceRequest request, Runnable generationBegan) {
        GenerationListener firstToken = (tokenId, textDelta, index) -> {
            if (index == 0) {
                generationBegan.run();
            }
        };
        return submit(request, firstToken);
    }

    private CompletableFuture<InferenceResult> submit(InferenceRequest request, GenerationListener listener) {
        GenerationRequest generation = new GenerationRequest(request.requestId(), request.adapterId(), request.prompt(),
                request.messages(), null, request.sampling(), request.priority(), listener);
        return engine.submit(generation).thenApply(LocalEngine::toResult);
    }

    private static InferenceResult toResult(GenerationResult r) {
        return new InferenceResult(r.requestId(), r.text(), FinishReason.valueOf(r.finishReason().name()), r.promptTokens(),
                r.completionTokens(), r.queueWaitMs(), AdapterLoadKind.valueOf(r.adapterLoad().name()), r.adapterLoadMs(), r.engineMs(),
                r.engineNanos());
    }

    @Override
    public void cancel(String requestId) {
        engine.cancel(requestId);
    }

    @Override
    public String modelId() {
        return engine.modelId();
    }

    @Override
    public EngineSnapshot snapshot() {
        EngineStats stats = engine.stats();
        SchedulerStats s = stats.scheduler();
        return new EngineSnapshot(s.running(), s.waiting(), s.queueDepths(), s.generatedTokens(), s.steps(),
                s.meanBatchSize(), s.meanAdaptersPerBatch(), s.runningByAdapter(), s.running(RequestClass.INTERACTIVE),
                s.waiting(RequestClass.INTERACTIVE));
    }

    @Override
    public void observe(EngineObserver observer) {
        engine.observe(observer);
    }

    @Override
    public int maxWaitingRequests() {
        return engine.maxWaitingRequests();
    }

    @Override
    public long heapNeededBytes() {
        return engine.heapEstimate().totalBytes();
    }

    @Override
    public void close() {
        engine.close();
    }
}
