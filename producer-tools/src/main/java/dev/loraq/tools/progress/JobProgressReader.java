package dev.loraq.tools.progress;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/** Reads the job-progress table from its compacted topic (read_committed): a snapshot, or updates as they come. */
public final class JobProgressReader implements AutoCloseable {

    private final KafkaConsumer<String, JobProgress> consumer;
    private final Duration timeout;
    private final Map<String, JobProgress> table = new TreeMap<>();

    public JobProgressReader(ToolsConfig config) {
        this.consumer = PipelineClients.consumer(config, JsonSerde.jobProgress().deserializer());
        this.timeout = Duration.ofMillis(config.kafkaTimeoutMs());
    }

    /** Every job's latest progress, by job id, as of now. */
    public Map<String, JobProgress> snapshot() {
        List<TopicPartition> partitions = partitions();
        table.clear();
        TopicSnapshotReader.read(consumer, partitions, Map.of(), timeout, this::apply);
        return Map.copyOf(table);
    }

    /** The job's latest row, reading only the partition of its key; null when the table has no row for it. */
    public JobProgress find(String jobId) {
        List<TopicPartition> partitions = partitions();
        // The job-progress service writes with the default partitioner, keyed by job id.
        int partition = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitions.size();
        table.clear();
        TopicSnapshotReader.read(consumer, List.of(new TopicPartition(PipelineTopics.JOB_PROGRESS, partition)), Map.of(), timeout, record -> {
            if (jobId.equals(record.key())) {
                apply(record);
            }
        });
        return table.get(jobId);
    }

    /**
     * Reads the table, then keeps polling and hands every new row of the job to {@code update} until it returns true
     * or the deadline passes.
     *
     * @return the job's last row, or null if it never appeared
     */
    public JobProgress follow(String jobId, Duration maxWait, Predicate<JobProgress> update) {
        List<TopicPartition> partitions = partitions();
        table.clear();
        TopicSnapshotReader.read(consumer, partitions, Map.of(), timeout, this::apply);
        JobProgress current = table.get(jobId);
        if (current != null && update.test(current)) {
            return current;
        }
        consumer.assign(partitions);
        // The snapshot left each partition's position at its end; continue from there.
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, JobProgress> record : consumer.poll(Duration.ofMillis(250))) {
                if (jobId.equals(record.key()) && record.value() != null) {
                    current = record.value();
                    if (update.test(current)) {
                        return current;
                    }
                }
            }
        }
        return current;
    }

    private void apply(ConsumerRecord<String, JobProgress> record) {
        if (record.value() == null) {
            table.remove(record.key());
        } else {
            table.put(record.key(), record.value());
        }
    }

    private List<TopicPartition> partitions() {
        List<TopicPartition> partitions = TopicSnapshotReader.partitions(consumer, PipelineTopics.JOB_PROGRESS, timeout);
        if (partitions.isEmpty()) {
            throw new PipelineException(PipelineException.Kind.TOPIC_MISSING, "topic " + PipelineTopics.JOB_PROGRESS
                    + " does not exist; create the topics with 'loraq topics --create' and start 'loraq progress-service'");
        }
        return partitions;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
