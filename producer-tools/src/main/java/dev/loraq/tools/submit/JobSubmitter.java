package dev.loraq.tools.submit;

import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.avro.OutputFormat;
import dev.loraq.schemas.avro.OutputOptions;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.format.InputFormat;
import dev.loraq.tools.format.ValidatedJob;
import dev.loraq.tools.kafka.AccessDenied;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.kafka.ManifestLookup;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a validated job: its PromptRequests to loraq.prompts (keyed by adapter id) and its JobManifest to
 * loraq.jobs (keyed by job id), all in one Kafka transaction. Broker, topics, job id and registry are checked before
 * the transaction begins; any failure after that aborts it, so read_committed readers see all of the job or none.
 */
public final class JobSubmitter {

    private static final Logger LOG = LoggerFactory.getLogger(JobSubmitter.class);

    public static final String INPUT_FORMAT_KEY = "loraq.input-format";
    public static final String ENDPOINT_KEY = "openai.endpoint";
    public static final String SOURCE_FILE_KEY = "loraq.source-file";
    /** Transactional id of a submit: this prefix and the job id. */
    public static final String TRANSACTIONAL_ID_PREFIX = "loraq-submit-";

    private final ToolsConfig config;

    public JobSubmitter(ToolsConfig config) {
        this.config = config;
    }

    /**
     * @param sourceName the file name, kept in the manifest's metadata
     * @param acked called with the number of prompt records the broker has acknowledged so far
     */
    public SubmitResult submit(ValidatedJob job, String jobId, String tenantId, Instant submittedAt, String sourceName,
                               LongConsumer acked) {
        return submit(job, jobId, tenantId, submittedAt, sourceName, SubmitOptions.NONE, acked);
    }

    /**
     * As above, with the job's priority and completion window ({@code options}) set on every request, the window's
     * deadline on the manifest too.
     */
    public SubmitResult submit(ValidatedJob job, String jobId, String tenantId, Instant submittedAt, String sourceName,
                               SubmitOptions options, LongConsumer acked) {
        ToolsConfig.requireId("job id", jobId);
        ToolsConfig.requireTenant("tenant id", tenantId);
        int timeoutMs = config.kafkaTimeoutMs();
        Duration timeout = Duration.ofMillis(timeoutMs);
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireReachable(admin, config.bootstrapServers(), timeoutMs);
            BrokerProbe.requireTopics(admin, config.bootstrapServers(), timeoutMs, List.of(PipelineTopics.PROMPTS, PipelineTopics.JOBS));
        }
        try (KafkaConsumer<String, JobManifest> consumer = PipelineClients.manifestConsumer(config)) {
            JobManifest existing = ManifestLookup.find(consumer, jobId, timeout);
            if (existing != null) {
                throw new PipelineException(PipelineException.Kind.JOB_EXISTS, "job id '" + jobId + "' already exists (tenant "
                        + existing.getTenantId() + ", submitted " + existing.getSubmittedAt() + "); choose another --job-id");
            }
        } catch (SerializationException e) {
            throw registryFailure(e);
        } catch (TopicAuthorizationException e) {
            // A tenant's principal may write loraq.jobs but not read it (it holds every tenant's manifests), so the
            // check cannot run; generated job ids are unique, and the transactional id still fences a concurrent twin.
            LOG.warn("job id not checked for uniqueness jobId={} reason=no READ on topic {} for this principal", jobId, PipelineTopics.JOBS);
        } catch (AuthorizationException | AuthenticationException e) {
            throw AccessDenied.of(e, config.bootstrapServers(), AclOperation.READ, "topic " + PipelineTopics.JOBS);
        }

        Map<String, String> metadata = new LinkedHashMap<>(options.metadata());
        metadata.put(INPUT_FORMAT_KEY, job.format() == InputFormat.OPENAI ? "openai" : "loraq");
        metadata.put(ENDPOINT_KEY, job.endpoint());
        if (sourceName != null) {
            metadata.put(SOURCE_FILE_KEY, sourceName);
        }
        JobManifest.Builder manifest = JobManifest.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setRequestCount(job.requests().size())
                .setSubmittedAt(submittedAt)
                .setOutput(OutputOptions.newBuilder()
                        .setFormat(job.format() == InputFormat.OPENAI ? OutputFormat.OPENAI_BATCH : OutputFormat.LORAQ)
                        .setIncludePrompt(false).build())
                .setMetadata(metadata)
                .setExpiresAt(options.expiresAt(submittedAt));
        for (PromptRequest request : job.requests()) {
            request.setExpiresAt(options.expiresAt(submittedAt));
            if (options.priority() != null) {
                request.setPriority(options.priority());
            }
        }

        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(config.registryConfig(), false);
        try {
            // Registers (or finds) both schemas now, so an unreachable registry fails before any transaction exists.
            values.serialize(PipelineTopics.PROMPTS, job.requests().getFirst());
            values.serialize(PipelineTopics.JOBS, manifest.build());
        } catch (SerializationException e) {
            values.close();
            throw registryFailure(e);
        }
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerConfig(jobId), new StringSerializer(), values)) {
            return publish(producer, job, manifest, jobId, tenantId, acked);
        }
    }

    private SubmitResult publish(KafkaProducer<String, SpecificRecord> producer, ValidatedJob job, JobManifest.Builder manifest,
                                 String jobId, String tenantId, LongConsumer acked) {
        PipelineClients.initTransactions(producer, config, TRANSACTIONAL_ID_PREFIX + jobId, "nothing was published");
        boolean begun = false;
        try {
            producer.beginTransaction();
            begun = true;
            PromptOffsets offsets = new PromptOffsets();
            AtomicLong ackedCount = new AtomicLong();
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (PromptRequest request : job.requests()) {
                if (failure.get() != null) {
                    break;
                }
                producer.send(new ProducerRecord<>(PipelineTopics.PROMPTS, request.getAdapterId(), request), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        offsets.add(metadata.partition(), metadata.offset());
                        acked.accept(ackedCount.incrementAndGet());
                    }
                });
            }
            producer.flush();
            if (failure.get() != null) {
                throw failure.get();
            }
            manifest.getMetadata().put(PromptOffsets.METADATA_KEY, offsets.format());
            JobManifest built = manifest.build();
            producer.send(new ProducerRecord<>(PipelineTopics.JOBS, jobId, built)).get();
            producer.commitTransaction();
            LOG.info("job submitted jobId={} tenantId={} requests={} offsets={}", jobId, tenantId, job.requests().size(), offsets.format());
            return new SubmitResult(jobId, tenantId, job.requests().size(), built);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (begun) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailure) {
                    // The coordinator aborts it when the transaction times out; read_committed readers never see it.
                    cause.addSuppressed(abortFailure);
                }
            }
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (cause instanceof SerializationException se) {
                throw registryFailure(se);
            }
            if (AccessDenied.find(cause) != null) {
                throw AccessDenied.of(AccessDenied.find(cause), config.bootstrapServers(), AclOperation.WRITE,
                        "topics " + PipelineTopics.PROMPTS + " and " + PipelineTopics.JOBS, "transaction aborted, nothing was published");
            }
            throw new PipelineException(PipelineException.Kind.PUBLISH_FAILED, "publishing job " + jobId + " failed, transaction aborted, "
                    + "nothing was published: " + cause, cause);
        }
    }

    private Map<String, Object> producerConfig(String jobId) {
        Map<String, Object> props = new HashMap<>(config.kafkaClientConfig());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One id per job: concurrent submits never fence each other, and a retried submit of the same job id fences
        // a stale one.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + jobId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Math.max(60_000, config.kafkaTimeoutMs() * 4));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(config.kafkaTimeoutMs() * 2, 30_000));
        return props;
    }

    private PipelineException registryFailure(SerializationException e) {
        return new PipelineException(PipelineException.Kind.REGISTRY_UNAVAILABLE, "schema registry at " + config.schemaRegistryUrl()
                + " failed: " + e.getMessage() + "; check --schema-registry-url / $LORAQ_SCHEMA_REGISTRY_URL; nothing was published", e);
    }
}
