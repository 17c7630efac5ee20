package dev.loraq.tools.usage;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import dev.loraq.tools.progress.JsonSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the usage table from its compacted topic (read_committed): every row's latest value, as of now. */
public final class UsageReader implements AutoCloseable {

    private final KafkaConsumer<String, UsageRow> consumer;
    private final Duration timeout;

    public UsageReader(ToolsConfig config) {
        this.consumer = PipelineClients.consumer(config, new JsonSerde<>(UsageRow.class).deserializer());
        this.timeout = Duration.ofMillis(config.kafkaTimeoutMs());
    }

    /** Every usage row, by key ({@link UsageRow#key()}). */
    public Map<String, UsageRow> snapshot() {
        List<TopicPartition> partitions = TopicSnapshotReader.partitions(consumer, PipelineTopics.USAGE, timeout);
        if (partitions.isEmpty()) {
            throw new PipelineException(PipelineException.Kind.TOPIC_MISSING, "topic " + PipelineTopics.USAGE
                    + " does not exist; create the topics with 'loraq topics --create' and start 'loraq usage-service'");
        }
        Map<String, UsageRow> table = new HashMap<>();
        TopicSnapshotReader.read(consumer, partitions, Map.of(), timeout, (ConsumerRecord<String, UsageRow> record) -> {
            if (record.value() == null) {
                table.remove(record.key());
            } else {
                table.put(record.key(), record.value());
            }
        });
        return table;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
