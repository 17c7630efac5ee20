package dev.loraq.service.inference;

import dev.loraq.engine.observe.EngineObserver;
import java.util.concurrent.CompletableFuture;

/**
 * What the consumer loop needs from an inference engine. Request-level failures complete the future exceptionally
 * with {@link dev.loraq.engine.api.InvalidRequestException}; {@link #cancel} completes it with finish reason
 * CANCELLED. Futures complete on engine threads.
 */
public interface InferenceEngine extends AutoCloseable {

    CompletableFuture<InferenceResult> submit(InferenceRequest request);

    /**
     * As {@link #submit(InferenceRequest)}, calling {@code generationBegan} (on an engine thread) when the request's
     * first token is generated; the service lets a request whose generation has not begun by its job's deadline expire.
     * An engine that cannot tell never calls it.
     */
    default CompletableFuture<InferenceResult> submit(InferenceRequest request, Runnable generationBegan) {
        return submit(request);
    }

    void cancel(String requestId);

    /** Id of the base model, written into each completion. */
    String modelId();

    EngineSnapshot snapshot();

    /** Reports the engine's admissions, token times and adapter loads to {@code observer}; engines without them ignore it. */
    default void observe(EngineObserver observer) {
    }

    /** The most requests the engine holds waiting before it refuses more as overloaded (max.waiting.requests). */
    int maxWaitingRequests();

    /** Heap bytes the engine's configuration needs (docs/operations.md, Heap of the CPU engine). */
    long heapNeededBytes();

    @Override
    void close();
}
