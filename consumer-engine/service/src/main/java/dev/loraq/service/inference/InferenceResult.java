package dev.loraq.service.inference;

import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.FinishReason;

/** A finished request as the engine reports it; {@code engineNanos} is the step time attributed to it (GenerationResult). */
public record InferenceResult(String requestId, String text, FinishReason finishReason, int promptTokens,
                              int completionTokens, long queueWaitMs, AdapterLoadKind adapterLoad, long adapterLoadMs,
                              long engineMs, long engineNanos) {
}
