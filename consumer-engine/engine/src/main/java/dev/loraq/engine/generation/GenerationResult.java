package dev.loraq.engine.generation;

/**
 * The outcome of one generation request.
 *
 * @param requestId the caller's id
 * @param text generated text (stop strings excluded)
 * @param tokenIds generated token ids
 * @param finishReason why generation stopped
 * @param promptTokens number of prompt tokens
 * @param completionTokens number of generated tokens
 * @param queueWaitMs time from submission to admission into the running batch
 * @param adapterLoad which tier served the adapter
 * @param adapterLoadMs time spent bringing the adapter into a compute slot
 * @param engineMs time from admission to completion
 */
public record GenerationResult(String requestId, String text, int[] tokenIds, FinishReason finishReason,
                               int promptTokens, int completionTokens, long queueWaitMs,
                               AdapterLoadKind adapterLoad, long adapterLoadMs, long engineMs) {
}
