package dev.loraq.engine.api;

import java.util.Objects;

/**
 * A request-level error: the request itself is wrong or refers to something that cannot be served, so it is
 * answered with an error instead of a completion while the engine keeps serving everything else.
 * The message names the offending field or file and value, and is safe to return to the tenant.
 */
public class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public InvalidRequestException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public InvalidRequestException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The machine-readable reason. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
    }
}
