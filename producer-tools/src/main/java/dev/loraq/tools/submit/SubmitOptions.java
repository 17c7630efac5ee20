package dev.loraq.tools.submit;

import java.time.Duration;
import java.time.Instant;

/**
 * How a job's requests are to be scheduled, set at submission: {@code priority} replaces every request's priority
 * (null: each keeps its own, 0 unless its line gave one); {@code completionWindow} gives every request and the manifest
 * the deadline submission time + window (null: no deadline).
 */
public record SubmitOptions(Integer priority, Duration completionWindow) {

    public static final SubmitOptions NONE = new SubmitOptions(null, null);

    public SubmitOptions {
        if (completionWindow != null && (completionWindow.isNegative() || completionWindow.isZero())) {
            throw new IllegalArgumentException("completion window must be positive, got " + completionWindow);
        }
    }

    /** The deadline of a job submitted at {@code submittedAt}, or null without a window. */
    public Instant expiresAt(Instant submittedAt) {
        return completionWindow == null ? null : submittedAt.plus(completionWindow);
    }
}
