package dev.loraq.batchapi.batches;

import dev.loraq.batchapi.files.InputFileValidator;
import dev.loraq.batchapi.files.StoredFile;
import dev.loraq.openai.http.ApiError;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.collect.CompletionCollector;
import dev.loraq.tools.collect.OpenAiBatchOutputLines;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.format.ValidatedJob;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import dev.loraq.tools.lifecycle.JobCanceller;
import dev.loraq.tools.lifecycle.JobStatusReader;
import dev.loraq.tools.progress.JobProgress;
import dev.loraq.tools.progress.JobProgressReader;
import dev.loraq.tools.submit.JobSubmitter;
import dev.loraq.tools.submit.SubmitOptions;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's batches, each a loraq job: created by submitting a validated input file (prompts and manifest in one
 * transaction), read from the manifest and the job-progress table, cancelled through the job-control topic, their
 * results collected from the tenant's completion topic. Nothing is kept here: any instance answers for any batch.
 */
public final class Batches {

    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);

    private final ToolsConfig config;
    private final InputFileValidator validator;
    private final Duration collectTimeout;
    private final Clock clock;

    public Batches(ToolsConfig config, InputFileValidator validator, Duration collectTimeout, Clock clock) {
        this.config = config;
        this.validator = validator;
        this.collectTimeout = collectTimeout;
        this.clock = clock;
    }

    /**
     * Validates the input file again (its requests become the job's) and submits it as a new batch.
     *
     * @throws ApiError 400 when the file has bad lines or its lines' url is not {@code endpoint}
     */
    public Batch create(String tenantId, StoredFile input, byte[] content, String endpoint, String completionWindowText,
                        Duration window, Map<String, String> metadata) {
        String id = BatchId.next();
        Instant now = clock.instant();
        ValidatedJob job = validator.validate(input.filename(), content, id, tenantId, now);
        if (!job.endpoint().equals(endpoint)) {
            throw ApiError.badRequest("endpoint", "endpoint '" + endpoint + "' differs from the url '" + job.endpoint()
                    + "' of the lines of " + input.id());
        }
        SubmitOptions options = new SubmitOptions(null, window,
                BatchManifestKeys.of(input.id(), completionWindowText, metadata));
        JobManifest manifest = new JobSubmitter(config).submit(job, id, tenantId, now, input.filename(), options,
                acked -> { }).manifest();
        LOG.info("batch created batchId={} tenantId={} inputFileId={} requests={}", id, tenantId, input.id(), job.requests().size());
        return new Batch(manifest, JobProgress.of(id, manifest, null, null), null);
    }

    /** @throws ApiError 404 when the tenant has no such batch */
    public Batch get(String tenantId, String batchId) {
        JobManifest manifest = manifest(tenantId, batchId);
        return new Batch(manifest, new JobStatusReader(config).status(manifest), null);
    }

    /** The tenant's batches, newest first. */
    public List<Batch> list(String tenantId) {
        Map<String, JobManifest> manifests = new HashMap<>();
        try (KafkaConsumer<String, JobManifest> consumer = PipelineClients.manifestConsumer(config)) {
            Duration timeout = Duration.ofMillis(config.kafkaTimeoutMs());
            TopicSnapshotReader.read(consumer, TopicSnapshotReader.partitions(consumer, PipelineTopics.JOBS, timeout), Map.of(),
                    timeout, record -> {
                        if (record.value() == null) {
                            manifests.remove(record.key());
                        } else if (tenantId.equals(record.value().getTenantId()) && BatchManifestKeys.isBatch(record.value())) {
                            manifests.put(record.key(), record.value());
                        }
                    });
        }
        Map<String, JobProgress> rows;
        try (JobProgressReader reader = new JobProgressReader(config)) {
            rows = reader.snapshot();
        }
        return manifests.values().stream()
                .map(m -> {
                    JobProgress row = rows.get(m.getJobId());
                    return new Batch(m, row != null ? row : JobProgress.of(m.getJobId(), m, null, null), null);
                })
                .sorted(Comparator.comparing((Batch b) -> b.manifest().getSubmittedAt()).reversed().thenComparing(Batch::id))
                .toList();
    }

    /**
     * Records the cancel; cancelling a batch being cancelled again changes nothing.
     *
     * @throws ApiError 404 for an unknown batch, 409 for one that has ended
     */
    public Batch cancel(String tenantId, String batchId) {
        JobManifest manifest = manifest(tenantId, batchId);
        Instant at = clock.instant();
        try {
            // The answer is the batch as it was when the cancel was recorded, so cancelling (as OpenAI answers), even
            // when the engines account for every request before a second read could be made.
            return new Batch(manifest, new JobCanceller(config).cancel(tenantId, batchId).before(), at.toEpochMilli());
        } catch (PipelineException e) {
            if (e.kind() == PipelineException.Kind.JOB_FINISHED) {
                throw new ApiError(409, "invalid_request_error", null, "batch_not_cancellable", e.getMessage(), -1);
            }
            throw e;
        }
    }

    /**
     * The output ({@code errors} false) or error file of a finished batch: the lines {@code loraq collect --format
     * openai} writes.
     *
     * @throws ApiError 404 while the batch has not ended, or when it has no such file
     */
    public byte[] results(String tenantId, String batchId, boolean errors) {
        Batch batch = get(tenantId, batchId);
        JobProgress p = batch.progress();
        if (!p.status().finished() || (errors ? p.failed() : p.completed()) == 0) {
            throw ApiError.notFound(null, "file_not_found", "batch " + batchId + " has no " + (errors ? "error" : "output")
                    + " file (status " + p.status().wireName() + ")");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        new CompletionCollector(config).collect(batch.manifest(), collectTimeout,
                new OpenAiBatchOutputLines(batch.manifest().getMetadata().get(JobSubmitter.ENDPOINT_KEY)), out, err);
        return (errors ? err : out).toString().getBytes(StandardCharsets.UTF_8);
    }

    private JobManifest manifest(String tenantId, String batchId) {
        if (!BatchId.isValid(batchId)) {
            throw notFound(batchId);
        }
        try {
            JobManifest manifest = new CompletionCollector(config).manifest(tenantId, batchId);
            if (!BatchManifestKeys.isBatch(manifest)) {
                throw notFound(batchId);
            }
            return manifest;
        } catch (PipelineException e) {
            if (e.kind() == PipelineException.Kind.JOB_NOT_FOUND) {
                throw notFound(batchId);
            }
            throw e;
        }
    }

    private static ApiError notFound(String batchId) {
        return ApiError.notFound("batch_id", "batch_not_found", "No batch found with id '" + batchId + "'.");
    }
}
