package dev.loraq.tools.lifecycle;

import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.avro.JobControlAction;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.AccessDenied;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.progress.JobProgress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a job: records a CANCEL {@link JobControl} on the compacted job-control topic, keyed by job id, where every
 * engine instance learns of it. The job must be the tenant's and not finished (judged from the job-progress table; a
 * job the progress service has no row for yet counts as not finished). Cancelling a job that is already being
 * cancelled writes the same instruction again, which changes nothing.
 */
public final class JobCanceller {

    private static final Logger LOG = LoggerFactory.getLogger(JobCanceller.class);

    private final ToolsConfig config;
    private final Clock clock;

    public JobCanceller(ToolsConfig config) {
        this(config, Clock.systemUTC());
    }

    JobCanceller(ToolsConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * @throws PipelineException JOB_NOT_FOUND for an unknown job (or another tenant's), JOB_FINISHED for a job that has
     *                           ended, TOPIC_MISSING without the job-control topic
     */
    public CancelOutcome cancel(String tenantId, String jobId) {
        JobProgress before = new JobStatusReader(config).status(tenantId, jobId);
        if (before.status().finished()) {
            throw new PipelineException(PipelineException.Kind.JOB_FINISHED, "job '" + jobId + "' of tenant '" + tenantId
                    + "' is already " + before.status().wireName() + " (" + before.done() + " of " + before.total()
                    + " requests have a result); a finished job cannot be cancelled");
        }
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireTopics(admin, config.bootstrapServers(), config.kafkaTimeoutMs(), List.of(PipelineTopics.JOB_CONTROL));
        }
        JobControl control = JobControl.newBuilder().setJobId(jobId).setTenantId(tenantId).setAction(JobControlAction.CANCEL)
                .setRequestedAt(clock.instant()).build();
        AvroSerializer<JobControl> values = new AvroSerializer<>();
        values.configure(config.registryConfig(), false);
        try (KafkaProducer<String, JobControl> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(PipelineTopics.JOB_CONTROL, jobId, control)).get();
        } catch (SerializationException e) {
            throw new PipelineException(PipelineException.Kind.REGISTRY_UNAVAILABLE, "schema registry at " + config.schemaRegistryUrl()
                    + " failed: " + e.getMessage() + "; the job was not cancelled", e);
        } catch (ExecutionException e) {
            RuntimeException denied = AccessDenied.find(e.getCause());
            if (denied != null) {
                throw AccessDenied.of(denied, config.bootstrapServers(), AclOperation.WRITE, "topic " + PipelineTopics.JOB_CONTROL,
                        "the job was not cancelled");
            }
            throw new PipelineException(PipelineException.Kind.PUBLISH_FAILED, "recording the cancel of job " + jobId
                    + " failed; the job was not cancelled: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException(PipelineException.Kind.PUBLISH_FAILED, "interrupted; the cancel of job " + jobId
                    + " may or may not be recorded", e);
        }
        LOG.info("job cancel recorded jobId={} tenantId={} statusBefore={} done={} total={}", jobId, tenantId,
                before.status().wireName(), before.done(), before.total());
        return new CancelOutcome(jobId, tenantId, before);
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(config.kafkaClientConfig());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(config.kafkaTimeoutMs() * 2, 30_000));
        return props;
    }
}
