package dev.loraq.service.consumer;

import org.apache.kafka.common.TopicPartition;

/** One input record's coordinates. */
record SourceOffset(TopicPartition partition, long offset) {

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
