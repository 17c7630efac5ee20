package dev.loraq.tools.progress;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A job's state, OpenAI's batch lifecycle words; when each holds is {@link JobProgress#status} (docs/job-format.md,
 * "Job statuses"). loraq validates a file before publishing it and writes each result as it is made, so VALIDATING
 * means published with no result yet, and FINALIZING only the end of an expired job.
 */
public enum JobStatus {
    VALIDATING, IN_PROGRESS, FINALIZING, COMPLETED, FAILED, EXPIRED, CANCELLING, CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the job has ended: every request is accounted for and nothing about it changes any more. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == EXPIRED || this == CANCELLED;
    }
}
