package dev.loraq.ops.onlinebench.client;

/** A streamed completion that did not complete: a refusal status, an error event, a broken stream. */
public final class StreamFailure extends RuntimeException {

    public StreamFailure(String message) {
        super(message);
    }

    public StreamFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
