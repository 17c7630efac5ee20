package dev.loraq.service.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What one transaction holds: each partition's outputs finished until the moment it was taken and the offset that
 * covers them, with the consumer's group metadata of that moment. Taken on the consumer thread, which then keeps
 * reading and finishing records into new pending outputs; written on the committer thread, which replaces outputs by
 * their stand-ins in place; its outcome is applied on the consumer thread again, to the partition states it was
 * taken from only (a partition lost or rewound meanwhile has a new state, which it must not touch).
 */
final class CommitBatch {

    /** One partition's part: its state when taken, the offset to commit (null when it did not move) and its outputs. */
    record Part(PartitionState state, OffsetAndMetadata offset, List<PendingOutput> outputs) {
    }

    private final List<Part> parts;
    private final ConsumerGroupMetadata groupMetadata;

    private CommitBatch(List<Part> parts, ConsumerGroupMetadata groupMetadata) {
        this.parts = parts;
        this.groupMetadata = groupMetadata;
    }

    /** Takes every pending output and every moved offset out of the owned partitions' states. */
    static CommitBatch take(PartitionStates states, ConsumerGroupMetadata groupMetadata) {
        List<Part> parts = new ArrayList<>();
        for (PartitionState state : states.all()) {
            OffsetAndMetadata offset = state.hasUncommittedProgress() ? state.toCommit() : null;
            List<PendingOutput> outputs = state.takeOutputs();
            if (offset != null || !outputs.isEmpty()) {
                parts.add(new Part(state, offset, outputs));
            }
        }
        return new CommitBatch(List.copyOf(parts), groupMetadata);
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    List<Part> parts() {
        return parts;
    }

    ConsumerGroupMetadata groupMetadata() {
        return groupMetadata;
    }

    /** The offsets to send with the transaction. */
    Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Part part : parts) {
            if (part.offset() != null) {
                offsets.put(part.state().partition(), part.offset());
            }
        }
        return offsets;
    }

    int outputCount() {
        int count = 0;
        for (Part part : parts) {
            count += part.outputs().size();
        }
        return count;
    }
}
