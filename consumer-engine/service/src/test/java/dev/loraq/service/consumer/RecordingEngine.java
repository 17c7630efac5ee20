package dev.loraq.service.consumer;

import dev.loraq.service.inference.EngineSnapshot;
import dev.loraq.service.inference.InferenceEngine;
import dev.loraq.service.inference.InferenceRequest;
import dev.loraq.service.inference.InferenceResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An engine that runs nothing and records which requests the service cancelled. */
final class RecordingEngine implements InferenceEngine {

    final List<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<InferenceResult> submit(InferenceRequest request) {
        return new CompletableFuture<>();
    }

    @Override
    public void cancel(String requestId) {
        cancelled.add(requestId);
    }

    @Override
    public String modelId() {
        return "test-model";
    }

    @Override
    public EngineSnapshot snapshot() {
        return EngineSnapshot.empty();
    }

    @Override
    public int maxWaitingRequests() {
        return Integer.MAX_VALUE;
    }

    @Override
    public long heapNeededBytes() {
        return 0;
    }

    @Override
    public void close() {
    }
}
