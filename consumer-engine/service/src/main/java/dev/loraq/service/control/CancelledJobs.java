package dev.loraq.service.control;

import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.avro.JobControlAction;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs cancelled on the job-control topic, as this engine instance knows them: filled by {@link JobControlReader}
 * from the topic's beginning, read by the consumer loop. One small entry per cancelled job; a tombstone removes it,
 * and so does age past {@code job.control.retention.ms} (by then the job's prompts have left the prompts topic, so no
 * request of it can be read again). Thread-safe.
 */
public final class CancelledJobs {

    /** A job's cancellation: its tenant (only that tenant's requests of the job are cancelled) and when it was asked. */
    public record Cancellation(String tenantId, Instant requestedAt) {
    }

    private final Map<String, Cancellation> byJob = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final long retentionMs;

    public CancelledJobs(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    /** None, and never any: for a loop without a job-control topic (unit tests). */
    public static CancelledJobs none() {
        CancelledJobs none = new CancelledJobs(Long.MAX_VALUE);
        none.markCaughtUp();
        return none;
    }

    /** The cancellation of this request's job, or null when the job (of this tenant) is not cancelled. */
    public Cancellation of(String jobId, String tenantId) {
        Cancellation cancellation = jobId == null ? null : byJob.get(jobId);
        return cancellation != null && cancellation.tenantId().equals(tenantId) ? cancellation : null;
    }

    /** Changes whenever a job is newly cancelled: the loop looks for running requests to stop only then. */
    public long version() {
        return version.get();
    }

    public int size() {
        return byJob.size();
    }

    /** Applies one record of the topic: a cancel, or a tombstone (null) that forgets the job. */
    void apply(String jobId, JobControl control) {
        if (control == null) {
            byJob.remove(jobId);
            return;
        }
        if (control.getAction() == JobControlAction.CANCEL) {
            Cancellation previous = byJob.putIfAbsent(jobId, new Cancellation(control.getTenantId(), control.getRequestedAt()));
            if (previous == null) {
                version.incrementAndGet();
            }
        }
    }

    /** Forgets cancellations older than the retention; returns how many. */
    int forgetOlderThanRetention(Instant now) {
        if (retentionMs == Long.MAX_VALUE) {
            return 0;
        }
        Instant oldest = now.minusMillis(retentionMs);
        int before = byJob.size();
        byJob.values().removeIf(c -> c.requestedAt().isBefore(oldest));
        return before - byJob.size();
    }

    /** The reader has read the topic up to the end offsets it found at its start (or found no topic). */
    void markCaughtUp() {
        caughtUp.countDown();
    }

    /**
     * Waits until every cancellation that existed when the reader started is known, so that no request of a job
     * cancelled before a crash or restart is started again. True when caught up.
     */
    public boolean awaitCaughtUp(long timeout, TimeUnit unit) throws InterruptedException {
        return caughtUp.await(timeout, unit);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }
}
