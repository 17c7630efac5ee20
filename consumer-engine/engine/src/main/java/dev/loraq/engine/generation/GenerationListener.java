package dev.loraq.engine.generation;

/**
 * Receives one request's output while it is generated, for streaming (server-sent events, a terminal). Attach it
 * with {@link GenerationRequest#withListener}.
 *
 * <p>The text arrives as deltas: the {@code textDelta} of every {@link #onToken} followed by the {@code textDelta} of
 * {@link #onFinish} concatenate to exactly {@link GenerationResult#text()}. A delta may be empty: text that could be
 * the start of a stop string, or half of a multi-byte character, is held back until it is confirmed, and a stop
 * string found is never sent. The last delta, given with the finish, is what was still held back when generation
 * ended (on an end-of-sequence or stop token, or max_tokens).
 *
 * <p>Calls come from the engine's delivery threads, never from the scheduler thread, one at a time and in order
 * for a request: its tokens, then exactly one of {@link #onFinish} or {@link #onError}; the request's future
 * completes after that last call returns. Each request is delivered on its own (virtual) thread, so a slow listener
 * delays only its own request's deliveries, never the batch or other requests. A listener that throws gets no
 * further calls for that request (the failure is logged once with the request id); the request goes on and its
 * future completes as usual, so cancel it if its output has nowhere to go.
 */
public interface GenerationListener {

    /**
     * A token was generated.
     *
     * @param tokenId the token id, as in {@link GenerationResult#tokenIds()} (stop token ids are not reported)
     * @param textDelta text this token released, possibly empty
     * @param index the token's position among the generated tokens, from 0
     */
    void onToken(int tokenId, String textDelta, int index);

    /**
     * Generation ended, also when cancelled ({@link FinishReason#CANCELLED}, with an empty delta).
     *
     * @param textDelta text held back until the end and released now, possibly empty
     * @param result the final result, the same the request's future completes with
     */
    default void onFinish(String textDelta, GenerationResult result) {
    }

    /**
     * The request failed: refused at submission (then before {@code submit} returns, on the caller's thread), its
     * adapter failed to load, or the engine failed. Usually an {@link dev.loraq.engine.api.InvalidRequestException}.
     */
    default void onError(Throwable error) {
    }
}
