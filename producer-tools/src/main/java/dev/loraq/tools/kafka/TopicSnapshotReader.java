package dev.loraq.tools.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads partitions from given offsets up to their end as of the start of the read (for read_committed consumers the
 * last stable offset), without a consumer group. Used for tables kept in compacted topics and for bounded scans.
 */
public final class TopicSnapshotReader {

    private TopicSnapshotReader() {
    }

    /** All partitions of the topic; empty when the topic does not exist. */
    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    /**
     * @param from start offset per partition; partitions absent from it start at the beginning
     */
    public static <K, V> void read(KafkaConsumer<K, V> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> from,
                                   Duration timeout, Consumer<ConsumerRecord<K, V>> each) {
        if (partitions.isEmpty()) {
            return;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        for (TopicPartition partition : partitions) {
            Long start = from.get(partition);
            if (start == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, start);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachedEnd(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "reading " + partitions
                        + " made no progress towards the end offsets " + end + " for " + timeout.toMillis() + " ms");
            }
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                // The limit is on silence, not on the whole scan: a long topic may take longer than the timeout.
                deadline = System.nanoTime() + timeout.toNanos();
            }
            for (ConsumerRecord<K, V> record : records) {
                each.accept(record);
            }
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }
}
