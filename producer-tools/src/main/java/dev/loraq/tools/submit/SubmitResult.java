package dev.loraq.tools.submit;

import dev.loraq.schemas.avro.JobManifest;

/** A committed job: its manifest and how many prompt records were published with it. */
public record SubmitResult(String jobId, String tenantId, long requests, JobManifest manifest) {
}
