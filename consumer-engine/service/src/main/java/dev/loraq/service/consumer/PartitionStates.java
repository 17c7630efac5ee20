package dev.loraq.service.consumer;

import dev.loraq.service.inference.InferenceEngine;
import dev.loraq.service.metrics.ServiceMetrics;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owned partitions, one {@link PartitionState} each, and the rebalance rules: an assigned partition starts from
 * its committed offset and metadata; a revoked one gives its in-flight work {@code revocation.timeout.ms} to finish,
 * then what is finished is committed while it is still owned and the rest is cancelled, left for the new owner; a
 * lost one commits nothing. A rewind (after a fenced producer, or a transaction whose fate is unknown) cancels a
 * partition's uncommitted work and reads it again from its committed offset. Owned by the consumer thread.
 */
final class PartitionStates implements ConsumerRebalanceListener {

    /** What a revocation asks of the loop that owns the clients. */
    interface Owner {

        /** Waits up to {@code waitMs} for one engine result and takes it into its partition's state. */
        void takeResult(long waitMs) throws InterruptedException;

        /** Commits everything finished, of all owned partitions; false when the transaction failed. */
        boolean commit();
    }

    private static final Logger LOG = LoggerFactory.getLogger(PartitionStates.class);

    private final Map<TopicPartition, PartitionState> states = new LinkedHashMap<>();
    private final Consumer<?, ?> consumer;
    private final InferenceEngine engine;
    private final ServiceMetrics metrics;
    private final String workerId;
    private final long revocationTimeoutMs;
    private final Owner owner;
    private volatile boolean joined;

    PartitionStates(Consumer<?, ?> consumer, InferenceEngine engine, ServiceMetrics metrics, String workerId,
                    long revocationTimeoutMs, Owner owner) {
        this.consumer = consumer;
        this.engine = engine;
        this.metrics = metrics;
        this.workerId = workerId;
        this.revocationTimeoutMs = revocationTimeoutMs;
        this.owner = owner;
    }

    /** The state of an owned partition, or null when it is not owned. */
    PartitionState get(TopicPartition partition) {
        return states.get(partition);
    }

    /** The owned partitions' states, in assignment order (a read-only view). */
    Collection<PartitionState> all() {
        return Collections.unmodifiableCollection(states.values());
    }

    /** Whether the group has given this member an assignment (possibly empty). Any thread. */
    boolean hasJoined() {
        return joined;
    }

    /** Records in the engine, over all partitions. */
    int inEngine() {
        int count = 0;
        for (PartitionState state : states.values()) {
            count += state.workCount();
        }
        return count;
    }

    /** Outputs waiting for the next transaction, over all partitions. */
    int pendingOutputs() {
        int count = 0;
        for (PartitionState state : states.values()) {
            count += state.outputCount();
        }
        return count;
    }

    /** Records read and not yet committed: in the engine or waiting as outputs. What backpressure bounds. */
    int queued() {
        return inEngine() + pendingOutputs();
    }

    /** The transaction of this batch committed: its partitions' offsets and outputs are in Kafka. */
    void committed(CommitBatch batch) {
        for (CommitBatch.Part part : batch.parts()) {
            PartitionState state = part.state();
            if (states.get(state.partition()) != state) {
                continue; // lost, reassigned or rewound while the transaction ran: its new state knows nothing of it
            }
            if (part.offset() != null) {
                state.markCommitted(part.offset());
            }
            state.outputsCommitted();
        }
    }

    /** The transaction of this batch failed, nothing of it visible: its outputs wait again in the states still owned. */
    void returned(CommitBatch batch) {
        for (CommitBatch.Part part : batch.parts()) {
            PartitionState state = part.state();
            if (states.get(state.partition()) == state) {
                state.outputsReturned(part.outputs());
            }
        }
    }

    /** Consumer lag per owned partition, for the metrics. */
    Map<String, Long> lag() {
        Map<String, Long> lag = new HashMap<>();
        for (TopicPartition partition : states.keySet()) {
            OptionalLong partitionLag = consumer.currentLag(partition);
            if (partitionLag.isPresent()) {
                lag.put(partition.toString(), partitionLag.getAsLong());
            }
        }
        return lag;
    }

    /** Rewinds every owned partition (see {@link #rewind}). */
    void rewindAll() {
        rewind(states.keySet());
    }

    /**
     * Forgets all uncommitted work of these partitions (cancelling it in the engine) and reads them again from their
     * committed offsets and metadata. Nothing is lost: what was not committed is redone, what was never repeats.
     */
    void rewind(Collection<TopicPartition> partitions) {
        Set<TopicPartition> set = new HashSet<>(partitions);
        metrics.cancelled("rewind", dropWork(set));
        if (set.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set);
        for (TopicPartition partition : set) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
            PartitionState fresh = fromCommitted(partition, offset);
            PartitionState previous = states.put(partition, fresh);
            if (previous != null) {
                fresh.keepRetryOf(previous);
            }
        }
        LOG.info("rewound partitions={} to committed offsets", set);
    }

    /** At shutdown or on a fatal error: cancels all work in the engine, left uncommitted for the next owner; returns how much. */
    int abandonAll() {
        int cancelled = 0;
        for (PartitionState state : states.values()) {
            cancelled += cancel(state.takeWork());
        }
        metrics.cancelled("shutdown", cancelled);
        return cancelled;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        joined = true;
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            PartitionState state = fromCommitted(partition, offset);
            states.put(partition, state);
            LOG.info("partition assigned worker={} partition={} committed={} completedAbove={}", workerId,
                    partition, offset == null ? "none" : offset.offset(), state.completedAboveCommit().size());
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> revoked = new HashSet<>(partitions);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(revocationTimeoutMs);
        // Let their in-flight work finish for a bounded time, then commit while the partitions are still ours.
        while (inEngine(revoked) > 0 && System.nanoTime() - deadline < 0) {
            try {
                owner.takeResult(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!owner.commit()) {
            LOG.warn("commit on revocation failed worker={} partitions={}; their uncommitted work is left to the next owner",
                    workerId, revoked);
        }
        int cancelled = dropWork(revoked);
        metrics.cancelled("revocation", cancelled);
        revoked.forEach(states::remove);
        LOG.info("partitions revoked worker={} partitions={} cancelled={}", workerId, revoked, cancelled);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        Set<TopicPartition> lost = new HashSet<>(partitions);
        // Not ours any more: nothing may be committed for them.
        int cancelled = dropWork(lost);
        metrics.cancelled("lost", cancelled);
        lost.forEach(states::remove);
        LOG.warn("partitions lost worker={} partitions={} cancelled={}", workerId, lost, cancelled);
    }

    /** A partition's state from the group's committed offset and metadata, or from the consumer's position when none. */
    private PartitionState fromCommitted(TopicPartition partition, OffsetAndMetadata committed) {
        return PartitionState.assigned(partition, committed, committed != null ? committed.offset() : consumer.position(partition));
    }

    private int inEngine(Set<TopicPartition> partitions) {
        int count = 0;
        for (TopicPartition partition : partitions) {
            PartitionState state = states.get(partition);
            count += state == null ? 0 : state.workCount();
        }
        return count;
    }

    /** Cancels the engine work and discards the pending outputs of these partitions; returns how many were cancelled. */
    private int dropWork(Set<TopicPartition> partitions) {
        int cancelled = 0;
        int discarded = 0;
        for (TopicPartition partition : partitions) {
            PartitionState state = states.get(partition);
            if (state != null) {
                cancelled += cancel(state.takeWork());
                discarded += state.discardOutputs();
            }
        }
        metrics.resultsDiscarded(discarded);
        return cancelled;
    }

    private int cancel(List<InFlight> work) {
        for (InFlight record : work) {
            engine.cancel(record.engineId());
        }
        return work.size();
    }
}
