package dev.loraq.tools.lifecycle;

import dev.loraq.tools.progress.JobProgress;
import dev.loraq.tools.progress.JobStatus;

/**
 * What a cancel did: {@code before} is the job's progress when it was asked (its status {@code cancelling} when the
 * job was already being cancelled: asking again changes nothing).
 */
public record CancelOutcome(String jobId, String tenantId, JobProgress before) {

    public boolean alreadyCancelling() {
        return before.status() == JobStatus.CANCELLING;
    }
}
