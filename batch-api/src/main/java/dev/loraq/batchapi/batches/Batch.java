package dev.loraq.batchapi.batches;

import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.tools.progress.JobProgress;

/**
 * A batch as the API shows it: the job's manifest (endpoint, input file, window, metadata) and its row of the
 * job-progress table (status, counts, timestamps).
 *
 * @param cancelRequestedAt epoch milliseconds of a cancel this request just recorded, which the progress table may not
 *                          show yet (null: none)
 */
public record Batch(JobManifest manifest, JobProgress progress, Long cancelRequestedAt) {

    public String id() {
        return manifest.getJobId();
    }
}
