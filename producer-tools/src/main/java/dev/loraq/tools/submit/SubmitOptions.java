package dev.loraq.tools.submit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How a job's requests are to be scheduled, set at submission: {@code priority} replaces every request's priority
 * (null: each keeps its own, 0 unless its line gave one); {@code completionWindow} gives every request and the manifest
 * the deadline submission time + window (null: no deadline); {@code metadata} goes into the manifest's metadata
 * beside the keys the submitter writes itself, which win (an HTTP front end keeps its batch's fields there).
 */
public record SubmitOptions(Integer priority, Duration completionWindow, Map<String, String> metadata) {

    public static final SubmitOptions NONE = new SubmitOptions(null, null);

    public SubmitOptions {
        if (completionWindow != null && (completionWindow.isNegative() || completionWindow.isZero())) {
            throw new IllegalArgumentException("completion window must be positive, got " + completionWindow);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public SubmitOptions(Integer priority, Duration completionWindow) {
        this(priority, completionWindow, Map.of());
    }

    /** The deadline of a job submitted at {@code submittedAt}, or null without a window. */
    public Instant expiresAt(Instant submittedAt) {
        return completionWindow == null ? null : submittedAt.plus(completionWindow);
    }
}
