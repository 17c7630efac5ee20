package dev.loraq.tools.lifecycle;

import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.tools.collect.CompletionCollector;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgress;
import dev.loraq.tools.progress.JobProgressReader;
import java.util.Comparator;
import java.util.List;

/**
 * A tenant's view of its jobs' lifecycle: status, request counts and timestamps from the job-progress table, for the
 * commands and for code (an HTTP front end) that serves one tenant. A job of another tenant is not found.
 */
public final class JobStatusReader {

    private final ToolsConfig config;

    public JobStatusReader(ToolsConfig config) {
        this.config = config;
    }

    /**
     * The job's progress row; while the progress service has not written one yet, the row its manifest alone gives
     * (validating). A JOB_NOT_FOUND {@link dev.loraq.tools.kafka.PipelineException} when the tenant has no such job.
     */
    public JobProgress status(String tenantId, String jobId) {
        ToolsConfig.requireTenant("tenant id", tenantId);
        ToolsConfig.requireId("job id", jobId);
        return status(new CompletionCollector(config).manifest(tenantId, jobId));
    }

    /** As above, for a job whose manifest the caller has already read (and checked to be its tenant's). */
    public JobProgress status(JobManifest manifest) {
        JobProgress row;
        try (JobProgressReader reader = new JobProgressReader(config)) {
            row = reader.find(manifest.getJobId());
        }
        return row != null ? row : JobProgress.of(manifest.getJobId(), manifest, null, null);
    }

    /** The tenant's jobs in the progress table, newest first. */
    public List<JobProgress> list(String tenantId) {
        ToolsConfig.requireTenant("tenant id", tenantId);
        try (JobProgressReader reader = new JobProgressReader(config)) {
            return reader.snapshot().values().stream().filter(p -> tenantId.equals(p.tenantId()))
                    .sorted(Comparator.comparingLong(JobProgress::submittedAt).reversed().thenComparing(JobProgress::jobId)).toList();
        }
    }
}
