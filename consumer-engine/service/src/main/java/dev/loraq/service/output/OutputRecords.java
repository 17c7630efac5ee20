package dev.loraq.service.output;

import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionError;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.Timings;
import dev.loraq.schemas.avro.TokenUsage;
import dev.loraq.schemas.contract.LifecycleErrorCode;
import dev.loraq.service.inference.InferenceResult;
import java.time.Instant;

/** Builds the Completion records the service writes (dead letters: {@link DeadLetters}). */
public final class OutputRecords {

    private final String modelId;
    private final String workerId;

    public OutputRecords(String modelId, String workerId) {
        this.modelId = modelId;
        this.workerId = workerId;
    }

    public Completion completion(PromptRequest request, InferenceResult result) {
        return Completion.newBuilder()
                .setRequestId(request.getRequestId())
                .setJobId(request.getJobId())
                .setTenantId(request.getTenantId())
                .setAdapterId(request.getAdapterId())
                .setStatus(CompletionStatus.OK)
                .setError(null)
                .setText(result.text())
                .setFinishReason(result.finishReason())
                .setUsage(new TokenUsage(result.promptTokens(), result.completionTokens(), result.engineNanos()))
                .setTimings(new Timings(result.queueWaitMs(), result.adapterLoad(), result.adapterLoadMs(), result.engineMs()))
                .setModelId(modelId)
                .setWorkerId(workerId)
                .setCompletedAt(Instant.now())
                .build();
    }

    /**
     * The error completion of a request ended by its job's lifecycle (cancelled, or expired before its generation
     * began). {@code stopped} is the engine's result when the request was stopped in the engine (its usage and timings
     * are kept: what it had computed is billed), null when it never reached the engine.
     */
    public Completion lifecycleCompletion(PromptRequest request, LifecycleErrorCode code, String message, InferenceResult stopped) {
        Completion completion = errorCompletion(request, code.code(), message);
        if (stopped != null) {
            completion.setFinishReason(FinishReason.CANCELLED);
            completion.setUsage(new TokenUsage(stopped.promptTokens(), stopped.completionTokens(), stopped.engineNanos()));
            completion.setTimings(new Timings(stopped.queueWaitMs(), stopped.adapterLoad(), stopped.adapterLoadMs(), stopped.engineMs()));
        }
        return completion;
    }

    public Completion errorCompletion(PromptRequest request, String code, String message) {
        return Completion.newBuilder()
                .setRequestId(request.getRequestId())
                .setJobId(request.getJobId())
                .setTenantId(request.getTenantId())
                .setAdapterId(request.getAdapterId())
                .setStatus(CompletionStatus.ERROR)
                .setError(new CompletionError(code, message))
                .setText(null)
                .setFinishReason(FinishReason.ERROR)
                .setUsage(new TokenUsage(0, 0, 0L))
                .setTimings(new Timings(0L, AdapterLoadKind.NONE, 0L, 0L))
                .setModelId(modelId)
                .setWorkerId(workerId)
                .setCompletedAt(Instant.now())
                .build();
    }
}
