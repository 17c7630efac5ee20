package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.PromptRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A record handed to the engine and not yet completed. {@code engineId} ("topic-partition@offset") is unique per
 * record, whatever request ids producers chose. Identity matters: a result whose InFlight is no longer the one
 * registered (the partition was revoked, or work was rewound) is dropped. {@code lifecycle} is what the loop knows of
 * this attempt's job lifecycle (generation begun, stopped for a cancel or a deadline).
 */
record InFlight(String engineId, TopicPartition partition, ConsumerRecord<byte[], byte[]> record, PromptRequest request,
                AttemptLifecycle lifecycle) {

    InFlight(String engineId, TopicPartition partition, ConsumerRecord<byte[], byte[]> record, PromptRequest request) {
        this(engineId, partition, record, request, new AttemptLifecycle());
    }

    static String engineIdOf(TopicPartition partition, long offset) {
        return partition.topic() + "-" + partition.partition() + "@" + offset;
    }

    long offset() {
        return record.offset();
    }
}
