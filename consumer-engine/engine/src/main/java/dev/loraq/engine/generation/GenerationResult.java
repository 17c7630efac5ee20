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
 * @param engineNanos engine time attributed to the request: each step's wall time shared by the rows the request had
 *                    in it (3 of a step's 12 rows get 3/12 of its time), summed over the request's life; what a shared
 *                    accelerator's time is charged back by
 */
public record GenerationResult(String requestId, String text, int[] tokenIds, FinishReason finishReason,
                               int promptTokens, int completionTokens, long queueWaitMs,
                               AdapterLoadKind adapterLoad, long adapterLoadMs, long engineMs,
                               long engineNanos) {
}
