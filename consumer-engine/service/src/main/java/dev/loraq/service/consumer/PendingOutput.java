package dev.loraq.service.consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An output record waiting for the next transaction, with the input record it completes. Its offset is already
 * counted as completed in the partition state, so the two commit together or not at all.
 */
record PendingOutput(String topic, byte[] key, SpecificRecord value, TopicPartition source, long sourceOffset,
                     InFlight origin) {
}
