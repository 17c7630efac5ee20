package dev.loraq.schemas.contract;

import java.util.Optional;

/**
 * The {@code error.code}s of completions that end a request because of its job's lifecycle rather than the request
 * itself (the engine's refusal codes are its own). The strings are stable and OpenAI's where OpenAI has one: the
 * service writes them, the progress table counts them and collect reports them.
 */
public enum LifecycleErrorCode {
    /** The job was cancelled before the request finished (loraq cancel). */
    CANCELLED("cancelled"),
    /** The job's completion window ended before the request's generation began (submit --completion-window). */
    BATCH_EXPIRED("batch_expired");

    private final String code;

    LifecycleErrorCode(String code) {
        this.code = code;
    }

    /** The string in the completion's {@code error.code}. */
    public String code() {
        return code;
    }

    /** The code with this string; empty for any other error code. */
    public static Optional<LifecycleErrorCode> of(String code) {
        for (LifecycleErrorCode value : values()) {
            if (value.code.equals(code)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return code;
    }
}
