package dev.loraq.tools.progress;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A job's state, named after OpenAI's batch lifecycle. loraq validates a file before publishing it, so the words
 * map as follows: VALIDATING = published, no result yet (the engine checks each request as it takes it);
 * IN_PROGRESS = some results in (or results without a known manifest); COMPLETED = all results in, at least one
 * succeeded (or the job was empty); FAILED = all results in and every request failed.
 */
public enum JobStatus {
    VALIDATING, IN_PROGRESS, COMPLETED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }
}
