package dev.loraq.service.consumer;

import dev.loraq.service.metrics.ServiceMetrics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow control: before each poll, pauses the assigned partitions for which a {@link PauseReason} holds and resumes
 * the others. The loop keeps polling while partitions are paused, so group membership holds and memory stays bounded.
 * Owned by the consumer thread.
 */
final class PauseController {

    private static final Logger LOG = LoggerFactory.getLogger(PauseController.class);

    private final int maxQueuedRecords;
    private final int metadataPauseBytes;
    private final ServiceMetrics metrics;
    private final String workerId;
    private boolean backpressured;

    PauseController(int maxQueuedRecords, int metadataPauseBytes, ServiceMetrics metrics, String workerId) {
        this.maxQueuedRecords = maxQueuedRecords;
        this.metadataPauseBytes = metadataPauseBytes;
        this.metrics = metrics;
        this.workerId = workerId;
    }

    void update(Consumer<?, ?> consumer, PartitionStates states, boolean stopping) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        int queued = states.queued();
        if (!backpressured && queued >= maxQueuedRecords) {
            backpressured = true;
            LOG.debug("backpressure on worker={} queued={}", workerId, queued);
        } else if (backpressured && queued <= maxQueuedRecords / 2) {
            backpressured = false;
            LOG.debug("backpressure off worker={} queued={}", workerId, queued);
        }
        long now = System.nanoTime();
        Map<TopicPartition, PauseReason> desired = new HashMap<>();
        for (TopicPartition partition : assigned) {
            PauseReason reason = reasonFor(states.get(partition), stopping, now);
            if (reason != null) {
                desired.put(partition, reason);
            }
        }
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> toPause = new HashSet<>(desired.keySet());
        toPause.removeAll(paused);
        Set<TopicPartition> toResume = new HashSet<>(paused);
        toResume.removeAll(desired.keySet());
        toResume.retainAll(assigned);
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
            for (TopicPartition partition : toPause) {
                PauseReason reason = desired.get(partition);
                metrics.partitionPaused(reason.tag());
                if (reason != PauseReason.BACKPRESSURE) {
                    LOG.info("partition paused worker={} partition={} reason={} state={}", workerId, partition, reason.tag(),
                            states.get(partition));
                }
            }
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
            LOG.debug("partitions resumed worker={} partitions={}", workerId, toResume);
        }
        Map<String, Integer> pausedByReason = new HashMap<>();
        desired.values().forEach(reason -> pausedByReason.merge(reason.tag(), 1, Integer::sum));
        metrics.pausedNow(pausedByReason);
    }

    /** The reason a partition is to be paused now, or null; a registry retry whose time has come ends here. */
    private PauseReason reasonFor(PartitionState state, boolean stopping, long now) {
        boolean awaitingRetry = state != null && state.awaitingRetry(now);
        if (stopping) {
            return PauseReason.SHUTDOWN;
        }
        if (state != null && state.metadataNearLimit(metadataPauseBytes)) {
            return PauseReason.OFFSET_METADATA;
        }
        if (awaitingRetry) {
            return PauseReason.REGISTRY_RETRY;
        }
        return backpressured ? PauseReason.BACKPRESSURE : null;
    }
}
