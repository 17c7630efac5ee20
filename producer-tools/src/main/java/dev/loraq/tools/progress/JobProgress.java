package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.avro.JobManifest;

/**
 * One row of the job-progress table (topic loraq.job-progress, key = job id, JSON with snake_case names). The
 * lifecycle timestamps are epoch milliseconds, null until the job reaches that point (OpenAI's batch fields).
 *
 * @param total requests announced by the manifest; -1 while the manifest has not been seen
 * @param completed requests that succeeded
 * @param failed requests that ended with an error completion (cancelled and expired ones included)
 * @param submittedAt epoch milliseconds; 0 while the manifest has not been seen
 * @param firstCompletionAt epoch milliseconds; 0 before the first completion
 * @param cancelled requests that completed as {@code cancelled}
 * @param expired requests that completed as {@code batch_expired}
 */
public record JobProgress(String jobId, String tenantId, long total, long completed, long failed, long promptTokens,
                          long completionTokens, long submittedAt, long firstCompletionAt, long lastCompletionAt,
                          JobStatus status, RequestCounts requestCounts, long cancelled, long expired,
                          Long createdAt, Long inProgressAt, Long finalizingAt, Long completedAt, Long failedAt,
                          Long expiredAt, Long expiresAt, Long cancellingAt, Long cancelledAt) {

    /** Joins a manifest, a tally and a cancellation, any of which may be absent (null). */
    public static JobProgress of(String jobId, JobManifest manifest, CompletionTally tally, JobControl cancel) {
        CompletionTally t = tally == null ? CompletionTally.empty() : tally;
        long total = manifest == null ? -1 : manifest.getRequestCount();
        String tenant = manifest != null ? manifest.getTenantId() : cancel != null ? cancel.getTenantId() : t.tenantId();
        long submitted = manifest == null ? 0 : manifest.getSubmittedAt().toEpochMilli();
        JobStatus status = status(total, t, cancel != null);
        Long last = t.lastCompletionAt() == 0 ? null : t.lastCompletionAt();
        return new JobProgress(jobId, tenant, total, t.completed(), t.failed(), t.promptTokens(), t.completionTokens(),
                submitted, t.firstCompletionAt(), t.lastCompletionAt(), status, new RequestCounts(total, t.completed(), t.failed()),
                t.cancelled(), t.expired(),
                manifest == null ? null : submitted,
                t.firstCompletionAt() == 0 ? null : t.firstCompletionAt(),
                t.firstExpiredAt() == 0 || !(status == JobStatus.FINALIZING || status == JobStatus.EXPIRED) ? null : t.firstExpiredAt(),
                status == JobStatus.COMPLETED ? last : null,
                status == JobStatus.FAILED ? last : null,
                status == JobStatus.EXPIRED ? last : null,
                manifest == null || manifest.getExpiresAt() == null ? null : manifest.getExpiresAt().toEpochMilli(),
                status == JobStatus.CANCELLING || status == JobStatus.CANCELLED ? cancel.getRequestedAt().toEpochMilli() : null,
                status == JobStatus.CANCELLED ? last : null);
    }

    static JobStatus status(long total, long completed, long failed) {
        return status(total, new CompletionTally(null, completed, failed, 0, 0, 0, 0, 0, 0, 0), false);
    }

    /**
     * When each status holds. Cancelled (a cancel is recorded): CANCELLING until every request has a result, then
     * CANCELLED; a cancel recorded after the last result changed nothing and does not count. Otherwise, with every
     * result in: EXPIRED when any request expired, FAILED when none succeeded (and there were some), else COMPLETED.
     * Before that: FINALIZING once a request has expired (the deadline has passed; the rest are being completed as
     * batch_expired), VALIDATING with no result yet, IN_PROGRESS with some (also while the manifest is unknown).
     */
    static JobStatus status(long total, CompletionTally t, boolean cancelRecorded) {
        long done = t.completed() + t.failed();
        boolean allIn = total >= 0 && done >= total;
        if (cancelRecorded && (!allIn || t.cancelled() > 0)) {
            return allIn ? JobStatus.CANCELLED : JobStatus.CANCELLING;
        }
        if (allIn) {
            if (t.expired() > 0) {
                return JobStatus.EXPIRED;
            }
            return t.completed() == 0 && total > 0 ? JobStatus.FAILED : JobStatus.COMPLETED;
        }
        if (t.expired() > 0) {
            return JobStatus.FINALIZING;
        }
        return done == 0 && total >= 0 ? JobStatus.VALIDATING : JobStatus.IN_PROGRESS;
    }

    /** Requests with a result, successful or not. */
    public long done() {
        return completed + failed;
    }

    /** Whether every announced request has a result. */
    public boolean allAccountedFor() {
        return total >= 0 && done() >= total;
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
