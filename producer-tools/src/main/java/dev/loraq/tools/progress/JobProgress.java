package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.JobManifest;

/**
 * One row of the job-progress table (topic loraq.job-progress, key = job id, JSON with snake_case names).
 *
 * @param total requests announced by the manifest; -1 while the manifest has not been seen
 * @param completed requests that succeeded
 * @param failed requests that ended with an error completion
 * @param submittedAt epoch milliseconds; 0 while the manifest has not been seen
 * @param firstCompletionAt epoch milliseconds; 0 before the first completion
 */
public record JobProgress(String jobId, String tenantId, long total, long completed, long failed, long promptTokens,
                          long completionTokens, long submittedAt, long firstCompletionAt, long lastCompletionAt,
                          JobStatus status) {

    /** Joins a manifest and a tally, either of which may be absent (null). */
    public static JobProgress of(String jobId, JobManifest manifest, CompletionTally tally) {
        CompletionTally t = tally == null ? CompletionTally.empty() : tally;
        long total = manifest == null ? -1 : manifest.getRequestCount();
        String tenant = manifest != null ? manifest.getTenantId() : t.tenantId();
        long submitted = manifest == null ? 0 : manifest.getSubmittedAt().toEpochMilli();
        return new JobProgress(jobId, tenant, total, t.completed(), t.failed(), t.promptTokens(), t.completionTokens(),
                submitted, t.firstCompletionAt(), t.lastCompletionAt(), status(total, t.completed(), t.failed()));
    }

    static JobStatus status(long total, long completed, long failed) {
        long done = completed + failed;
        if (total < 0) {
            return JobStatus.IN_PROGRESS;
        }
        if (done >= total) {
            return completed == 0 && total > 0 ? JobStatus.FAILED : JobStatus.COMPLETED;
        }
        return done == 0 ? JobStatus.VALIDATING : JobStatus.IN_PROGRESS;
    }

    /** Requests with a result, successful or not. */
    public long done() {
        return completed + failed;
    }

    /** Share of requests with a result, 0 to 1; 0 while the total is unknown. */
    public double fraction() {
        return total <= 0 ? (total == 0 ? 1.0 : 0.0) : Math.min(1.0, (double) done() / total);
    }

    /** Results per second between the first and the last completion; 0 before there are two distinct times. */
    public double requestsPerSecond() {
        long span = lastCompletionAt - firstCompletionAt;
        return span <= 0 ? 0 : done() * 1000.0 / span;
    }

    /** Generated tokens per second over the same span. */
    public double completionTokensPerSecond() {
        long span = lastCompletionAt - firstCompletionAt;
        return span <= 0 ? 0 : completionTokens * 1000.0 / span;
    }

    /** Seconds until the last result at the current rate; -1 when unknown. */
    public long etaSeconds() {
        double rate = requestsPerSecond();
        if (total < 0 || rate <= 0) {
            return status.finished() ? 0 : -1;
        }
        return Math.round(Math.max(0, total - done()) / rate);
    }
}
