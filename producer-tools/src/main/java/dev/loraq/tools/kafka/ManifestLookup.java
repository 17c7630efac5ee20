package dev.loraq.tools.kafka;

import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.contract.PipelineTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds a job's manifest in the compacted {@code loraq.jobs} topic. Manifests are keyed by job id with the default
 * partitioner, so only the key's partition is read.
 */
public final class ManifestLookup {

    private ManifestLookup() {
    }

    /** The latest committed manifest of the job, or null when there is none (or it was deleted). */
    public static JobManifest find(KafkaConsumer<String, JobManifest> consumer, String jobId, Duration timeout) {
        List<TopicPartition> partitions = TopicSnapshotReader.partitions(consumer, PipelineTopics.JOBS, timeout);
        if (partitions.isEmpty()) {
            throw new PipelineException(PipelineException.Kind.TOPIC_MISSING, "topic " + PipelineTopics.JOBS
                    + " does not exist; create the pipeline's topics with: loraq topics --create");
        }
        // Same formula as the producer's default partitioner for keyed records.
        int partition = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitions.size();
        AtomicReference<JobManifest> found = new AtomicReference<>();
        TopicSnapshotReader.read(consumer, List.of(new TopicPartition(PipelineTopics.JOBS, partition)), Map.of(), timeout, record -> {
            if (jobId.equals(record.key())) {
                found.set(record.value());
            }
        });
        return found.get();
    }
}
