package dev.loraq.batchapi.batches;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.batchapi.files.FileId;
import dev.loraq.openai.http.ApiJson;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.tools.progress.JobProgress;
import dev.loraq.tools.progress.JobStatus;
import dev.loraq.tools.submit.JobSubmitter;

/** OpenAI's batch object (times in epoch seconds, as OpenAI writes them) from a {@link Batch}. */
public final class BatchJson {

    private BatchJson() {
    }

    public static ObjectNode of(Batch batch) {
        JobManifest manifest = batch.manifest();
        JobProgress p = batch.progress();
        boolean cancelPending = batch.cancelRequestedAt() != null && p.status() != JobStatus.CANCELLING && !p.status().finished();
        JobStatus status = cancelPending ? JobStatus.CANCELLING : p.status();
        ObjectNode b = ApiJson.MAPPER.createObjectNode();
        b.put("id", batch.id());
        b.put("object", "batch");
        b.put("endpoint", manifest.getMetadata().get(JobSubmitter.ENDPOINT_KEY));
        b.putNull("errors");
        b.put("input_file_id", manifest.getMetadata().get(BatchManifestKeys.INPUT_FILE_ID));
        b.put("completion_window", manifest.getMetadata().get(BatchManifestKeys.COMPLETION_WINDOW));
        b.put("status", status.wireName());
        b.put("output_file_id", status.finished() && p.completed() > 0 ? FileId.output(batch.id()) : null);
        b.put("error_file_id", status.finished() && p.failed() > 0 ? FileId.errors(batch.id()) : null);
        b.put("created_at", manifest.getSubmittedAt().getEpochSecond());
        seconds(b, "in_progress_at", p.inProgressAt());
        seconds(b, "expires_at", manifest.getExpiresAt() == null ? null : manifest.getExpiresAt().toEpochMilli());
        seconds(b, "finalizing_at", p.finalizingAt());
        seconds(b, "completed_at", p.completedAt());
        seconds(b, "failed_at", p.failedAt());
        seconds(b, "expired_at", p.expiredAt());
        seconds(b, "cancelling_at", cancelPending ? batch.cancelRequestedAt() : p.cancellingAt());
        seconds(b, "cancelled_at", p.cancelledAt());
        ObjectNode counts = b.putObject("request_counts");
        counts.put("total", manifest.getRequestCount());
        counts.put("completed", p.completed());
        counts.put("failed", p.failed());
        ObjectNode metadata = b.putObject("metadata");
        BatchManifestKeys.metadata(manifest).forEach(metadata::put);
        return b;
    }

    private static void seconds(ObjectNode b, String field, Long epochMillis) {
        if (epochMillis == null) {
            b.putNull(field);
        } else {
            b.put(field, epochMillis / 1000);
        }
    }
}
