package dev.loraq.tools.dlq;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads the dead-letter topic ({@link ToolsConfig#dlqTopic()}) with read_committed up to its end as of the start of the
 * read, and selects letters by a {@link DeadLetterQuery}. No consumer group: nothing is committed.
 */
public final class DeadLetterReader {

    /**
     * A letter's record timestamp is set after its {@code failed_at} (the engine commits every few hundred ms), so
     * seeking by time this much before {@code since} skips nothing that matches; the filter on failed_at decides.
     */
    private static final Duration SEEK_MARGIN = Duration.ofMinutes(5);

    private static final Comparator<DeadLetterEntry> SOURCE_ORDER = Comparator
            .comparing((DeadLetterEntry e) -> e.letter().getSourceTopic())
            .thenComparingInt(e -> e.letter().getSourcePartition())
            .thenComparingLong(e -> e.letter().getSourceOffset())
            .thenComparingInt(DeadLetterEntry::partition)
            .thenComparingLong(DeadLetterEntry::offset);

    private final ToolsConfig config;

    public DeadLetterReader(ToolsConfig config) {
        this.config = config;
    }

    /**
     * @throws PipelineException when the broker does not answer, the topic is missing or the registry fails
     * @throws IllegalArgumentException when {@code fromOffsets} names a partition the topic does not have
     */
    public DeadLetterScan read(DeadLetterQuery query) {
        String topic = config.dlqTopic();
        int timeoutMs = config.kafkaTimeoutMs();
        Duration timeout = Duration.ofMillis(timeoutMs);
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireReachable(admin, config.bootstrapServers(), timeoutMs);
            BrokerProbe.requireTopics(admin, config.bootstrapServers(), timeoutMs, List.of(topic));
        }
        try (KafkaConsumer<String, DeadLetter> consumer = PipelineClients.avroConsumer(config, DeadLetter.class)) {
            List<TopicPartition> partitions = TopicSnapshotReader.partitions(consumer, topic, timeout);
            Map<TopicPartition, Long> from = startOffsets(consumer, topic, partitions, query, timeout);
            List<DeadLetterEntry> matching = new ArrayList<>();
            AtomicLong scanned = new AtomicLong();
            TopicSnapshotReader.read(consumer, partitions, from, timeout, record -> {
                scanned.incrementAndGet();
                // A null value on the dead-letter topic is not a letter (the engine never writes one).
                if (record.value() != null && query.matches(record.value())) {
                    matching.add(new DeadLetterEntry(record.partition(), record.offset(), record.value()));
                }
            });
            Map<Integer, Long> end = new HashMap<>();
            for (TopicPartition partition : partitions) {
                end.put(partition.partition(), consumer.position(partition, timeout));
            }
            matching.sort(SOURCE_ORDER);
            return new DeadLetterScan(matching, end, scanned.get());
        } catch (SerializationException e) {
            throw new PipelineException(PipelineException.Kind.REGISTRY_UNAVAILABLE, "cannot decode a DeadLetter of " + topic
                    + " with the schema registry at " + config.schemaRegistryUrl() + ": " + e.getMessage(), e);
        }
    }

    private static Map<TopicPartition, Long> startOffsets(KafkaConsumer<?, ?> consumer, String topic, List<TopicPartition> partitions,
                                                          DeadLetterQuery query, Duration timeout) {
        TreeSet<Integer> unknown = new TreeSet<>(query.fromOffsets().keySet());
        partitions.forEach(p -> unknown.remove(p.partition()));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " has no partition(s) " + unknown + " (it has "
                    + partitions.size() + ")");
        }
        Map<TopicPartition, Long> from = new HashMap<>();
        List<TopicPartition> byTime = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long offset = query.fromOffsets().get(partition.partition());
            if (offset != null) {
                from.put(partition, offset);
            } else if (query.since() != null) {
                byTime.add(partition);
            }
        }
        if (!byTime.isEmpty()) {
            long seekTime = query.since().minus(SEEK_MARGIN).toEpochMilli();
            Map<TopicPartition, Long> times = new HashMap<>();
            byTime.forEach(p -> times.put(p, Math.max(0L, seekTime)));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(byTime, timeout);
            for (TopicPartition partition : byTime) {
                OffsetAndTimestamp at = found.get(partition);
                // No record that late: nothing of this partition can match.
                from.put(partition, at == null ? ends.get(partition) : at.offset());
            }
        }
        return from;
    }
}
