package dev.loraq.service.consumer;

import dev.loraq.service.metrics.ServiceMetrics;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit rule. One transaction holds the completions and dead letters finished since the last commit and the
 * offsets (with their completed-offsets metadata) that cover them, sent with the consumer's group metadata
 * (KIP-447): an output and its offset become visible together or not at all. A failed transaction is aborted and its
 * outputs wait for the next one. A fenced producer rewinds every partition to its committed offsets at once; a failed
 * abort leaves the transaction's fate unknown, so a new producer's initTransactions settles it first and then every
 * partition is rewound.
 *
 * <p>The transaction runs on a committer thread of its own ({@link TransactionWriter}, which owns the producer), so
 * the consumer thread goes on reading and dispatching while the broker commits (a commit's round trips took most of
 * each interval on two shared cores): {@link #commitInBackground} takes a {@link CommitBatch} and returns,
 * {@link #takeOutcome} applies the outcome once it is in. One transaction at a time; on revocation and shutdown
 * {@link #commit} waits for the running one and commits the rest before returning. Called on the consumer thread;
 * the health figures may be read from any thread.
 */
final class TransactionalCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommitter.class);

    private final TransactionWriter writer;
    private final ExecutorService committerThread;
    private final String workerId;
    /** The batch of the transaction running on the committer thread, and its outcome to come; null when none runs. */
    private CommitBatch running;
    private Future<TransactionOutcome> outcome;
    /** An abort failed, so whether the last transaction committed is unknown until a new producer settles it. */
    private boolean rewindWhenSettled;
    private volatile long lastCommitOkNanos = System.nanoTime();
    private volatile boolean commitFailing;
    private volatile boolean workPending;

    TransactionalCommitter(KafkaClients clients, Serializer<SpecificRecord> serializer, OutputStandIns standIns,
                           ServiceMetrics metrics, String workerId, String transactionalId) {
        this.writer = new TransactionWriter(clients, serializer, standIns, metrics, workerId, transactionalId);
        this.workerId = workerId;
        this.committerThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("loraq-committer-" + workerId).daemon().factory());
    }

    /** The first producer, at start: fencing any earlier instance with our transactional id. A failure here is fatal. */
    void initTransactions() {
        onCommitterThread(() -> {
            writer.initTransactions();
            return null;
        });
    }

    /** Whether the last commit attempt failed (aborted, or postponed because the registry or broker did not answer). */
    boolean isFailing() {
        return commitFailing;
    }

    /** How long no commit has succeeded while work was pending (in flight or finished, not committed); 0 when idle. */
    long stalledForMs() {
        return workPending ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastCommitOkNanos) : 0;
    }

    /** Whether a transaction is running on the committer thread. */
    boolean isRunning() {
        return outcome != null;
    }

    /**
     * Commits everything finished in the owned partitions and waits for it (after the transaction already running, if
     * any). Returns whether it committed (or had nothing to do).
     */
    boolean commit(PartitionStates states, Supplier<ConsumerGroupMetadata> groupMetadata) {
        if (outcome != null) {
            apply(states, await(outcome));
        }
        if (!begin(states, groupMetadata)) {
            return !commitFailing;
        }
        return apply(states, await(outcome));
    }

    /** Begins a transaction of everything finished now on the committer thread, unless one is running; returns at once. */
    void commitInBackground(PartitionStates states, Supplier<ConsumerGroupMetadata> groupMetadata) {
        if (outcome == null) {
            begin(states, groupMetadata);
        }
    }

    /** Applies the outcome of the transaction running in the background once it has ended; returns at once. */
    void takeOutcome(PartitionStates states) {
        if (outcome != null && outcome.isDone()) {
            apply(states, await(outcome));
        }
    }

    /**
     * Takes the batch and begins its transaction on the committer thread; false when none was begun: nothing to commit
     * (a success), or a transaction of unknown fate that could not be settled yet (a failure).
     */
    private boolean begin(PartitionStates states, Supplier<ConsumerGroupMetadata> groupMetadata) {
        if (rewindWhenSettled && !settle(states)) {
            commitFailing = true;
            return false;
        }
        CommitBatch batch = CommitBatch.take(states, groupMetadata.get());
        workPending = !batch.isEmpty() || states.inEngine() > 0;
        if (batch.isEmpty()) {
            succeeded();
            return false;
        }
        running = batch;
        outcome = committerThread.submit(() -> writer.write(batch));
        return true;
    }

    /** What the ended transaction means for the partitions it was taken from; returns whether it committed. */
    private boolean apply(PartitionStates states, TransactionOutcome ended) {
        CommitBatch batch = running;
        running = null;
        outcome = null;
        switch (ended) {
            case COMMITTED -> {
                succeeded();
                states.committed(batch);
                return true;
            }
            // Nothing of it is visible, and its partitions are still ours (a lost or revoked one has been dropped by
            // the rebalance listener): its outputs go back and the next transaction sends them with the group's
            // current generation. Rewinding would throw finished work away.
            case POSTPONED, ABORTED -> states.returned(batch);
            // Another producer with our transactional id may have written for these partitions: start over from
            // what is committed.
            case FENCED -> states.rewindAll();
            // Not rewound before the fate is known: a commit that timed out may still complete.
            case FATE_UNKNOWN -> {
                states.returned(batch);
                rewindWhenSettled = true;
            }
        }
        commitFailing = true;
        return false;
    }

    /** A new producer settles the transaction of unknown fate, then every partition reads again from what is committed. */
    private boolean settle(PartitionStates states) {
        if (!onCommitterThread(writer::ensureProducer)) {
            return false;
        }
        try {
            states.rewindAll();
        } catch (KafkaException e) {
            LOG.warn("rewind postponed worker={}: {}", workerId, e.toString());
            return false;
        }
        rewindWhenSettled = false;
        return true;
    }

    private void succeeded() {
        lastCommitOkNanos = System.nanoTime();
        commitFailing = false;
    }

    private <T> T onCommitterThread(Callable<T> task) {
        return await(committerThread.submit(task));
    }

    /** The task's result; what it threw is thrown here, on the consumer thread, as the synchronous commit did. */
    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("committer thread failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** Lets a running transaction end, then closes the producer and the serializer and stops the committer thread. */
    @Override
    public void close() {
        if (committerThread.isShutdown()) {
            return;
        }
        committerThread.execute(writer::close);
        committerThread.shutdown();
        try {
            if (!committerThread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("committer thread did not stop within 30 s worker={}", workerId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
