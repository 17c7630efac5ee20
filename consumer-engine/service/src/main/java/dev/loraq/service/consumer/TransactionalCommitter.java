package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.service.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit rule. One transaction holds the completions and dead letters finished since the last commit and the
 * offsets (with their completed-offsets metadata) that cover them, sent with the consumer's group metadata
 * (KIP-447): an output and its offset become visible together or not at all. A failed transaction is aborted and its
 * outputs stay pending for the next one. A fenced producer rewinds every partition to its committed offsets at once;
 * a failed abort leaves the transaction's fate unknown, so a new producer's initTransactions settles it first and then
 * every partition is rewound. Owns the transactional producer (a new one after each fatal failure, made when a commit
 * needs it). Owned by the consumer thread; the health figures may be read from any thread.
 */
final class TransactionalCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommitter.class);

    /** An output with the record that carries it. */
    private record Outgoing(PendingOutput output, ProducerRecord<byte[], byte[]> record) {
    }

    private final KafkaClients clients;
    private final Serializer<SpecificRecord> serializer;
    private final OutputStandIns standIns;
    private final ServiceMetrics metrics;
    private final String workerId;
    private final String transactionalId;
    private Producer<byte[], byte[]> producer;
    /** An abort failed, so whether the last transaction committed is unknown until a new producer settles it. */
    private boolean rewindWhenSettled;
    private volatile long lastCommitOkNanos = System.nanoTime();
    private volatile boolean commitFailing;
    private volatile boolean workPending;

    TransactionalCommitter(KafkaClients clients, Serializer<SpecificRecord> serializer, OutputStandIns standIns,
                           ServiceMetrics metrics, String workerId, String transactionalId) {
        this.clients = clients;
        this.serializer = serializer;
        this.standIns = standIns;
        this.metrics = metrics;
        this.workerId = workerId;
        this.transactionalId = transactionalId;
    }

    /** The first producer, at start: fencing any earlier instance with our transactional id. A failure here is fatal. */
    void initTransactions() {
        producer = clients.producer();
        producer.initTransactions();
    }

    /** Whether the last commit attempt failed (aborted, or postponed because the registry or broker did not answer). */
    boolean isFailing() {
        return commitFailing;
    }

    /** How long no commit has succeeded while work was pending (in flight or finished, not committed); 0 when idle. */
    long stalledForMs() {
        return workPending ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastCommitOkNanos) : 0;
    }

    /**
     * One transaction: the pending outputs of every owned partition plus the offsets they cover. Returns whether it
     * committed (or had nothing to do).
     */
    boolean commit(PartitionStates states, Supplier<ConsumerGroupMetadata> groupMetadata) {
        if (rewindWhenSettled) {
            if (!ensureProducer()) {
                commitFailing = true;
                return false;
            }
            try {
                states.rewindAll();
            } catch (KafkaException e) {
                LOG.warn("rewind postponed worker={}: {}", workerId, e.toString());
                commitFailing = true;
                return false;
            }
            rewindWhenSettled = false;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = states.offsetsToCommit();
        int pending = states.pendingOutputs();
        workPending = pending > 0 || states.inEngine() > 0 || !offsets.isEmpty();
        if (pending == 0 && offsets.isEmpty()) {
            succeeded();
            return true;
        }
        List<Outgoing> out;
        try {
            out = prepare(states);
        } catch (KafkaException e) {
            // Registry or admin unreachable: nothing is begun, everything stays pending for the next interval.
            LOG.warn("commit postponed worker={} pending={}: {}", workerId, pending, e.getMessage());
            commitFailing = true;
            return false;
        }
        if (!ensureProducer()) {
            commitFailing = true;
            return false;
        }
        SendFailures failures = new SendFailures();
        try {
            producer.beginTransaction();
            for (Outgoing outgoing : out) {
                ProducerRecord<byte[], byte[]> record = outgoing.record();
                int size = record.value().length + (record.key() == null ? 0 : record.key().length);
                producer.send(record, (metadata, error) -> failures.failed(outgoing.output(), record.topic(), size, error));
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, groupMetadata.get());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            LOG.error("transaction failed fatally for this producer worker={} transactionalId={}: {}; recreating the producer and rewinding",
                    workerId, transactionalId, causeChain(e));
            metrics.aborted();
            commitFailing = true;
            // Another producer with our transactional id may have written for these partitions: start over from
            // what is committed.
            closeProducer();
            states.rewindAll();
            return false;
        } catch (KafkaException e) {
            // Nothing of this transaction is visible, and the partitions are still ours (a lost or revoked one has
            // been dropped by the rebalance listener): its outputs stay pending and the next transaction sends them
            // again with the group's current generation. Rewinding would throw finished work away.
            LOG.warn("transaction aborted worker={} records={} partitions={} failedSends={}: {}; retrying its outputs in the next transaction",
                    workerId, out.size(), offsets.size(), failures.count(), causeChain(e));
            standIns.refusedAsTooLarge(failures.tooLarge());
            metrics.aborted();
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                // The transaction's fate is unknown (a commit that timed out may still complete): the next producer's
                // initTransactions settles it, and then only the committed offsets say what is done.
                LOG.warn("abort failed worker={}: {}; rewinding to the committed offsets once a new producer has settled the transaction",
                        workerId, abortFailure.toString());
                closeProducer();
                rewindWhenSettled = true;
            }
            commitFailing = true;
            return false;
        }
        succeeded();
        List<PendingOutput> sent = out.stream().map(Outgoing::output).toList();
        states.committed(offsets);
        countCommitted(sent);
        standIns.committed(sent);
        LOG.debug("transaction committed worker={} records={} offsets={}", workerId, out.size(), offsets);
        return true;
    }

    /** Replaces each pending output by what is to be sent for it and serializes it. */
    private List<Outgoing> prepare(PartitionStates states) {
        List<Outgoing> out = new ArrayList<>();
        for (PartitionState state : states.all()) {
            state.replaceOutputs(standIns::toSend);
            for (PendingOutput output : state.outputs()) {
                out.add(new Outgoing(output, new ProducerRecord<>(output.topic(), output.key(), serializer.serialize(output.topic(), output.value()))));
            }
        }
        return out;
    }

    private void countCommitted(List<PendingOutput> sent) {
        for (PendingOutput output : sent) {
            if (output.value() instanceof Completion completion) {
                metrics.completion(completion.getStatus().name(), completion.getError() == null ? null : completion.getError().getCode());
                if (completion.getStatus() == CompletionStatus.OK) {
                    metrics.adapterUse(completion.getTimings().getAdapterLoad(), completion.getTimings().getAdapterLoadMs());
                    metrics.tokens(completion.getUsage().getCompletionTokens());
                }
            } else if (output.value() instanceof DeadLetter letter) {
                metrics.deadLetter(letter.getErrorCode());
            }
        }
        metrics.committed(sent.size());
    }

    private void succeeded() {
        lastCommitOkNanos = System.nanoTime();
        commitFailing = false;
    }

    /** A producer with initialised transactions, made anew after a failure; false while the cluster cannot give one. */
    private boolean ensureProducer() {
        if (producer != null) {
            return true;
        }
        Producer<byte[], byte[]> fresh = clients.producer();
        try {
            fresh.initTransactions();
        } catch (KafkaException e) {
            LOG.warn("cannot initialise a transactional producer worker={} transactionalId={}: {}; retrying at the next commit",
                    workerId, transactionalId, e.toString());
            fresh.close(Duration.ZERO);
            return false;
        }
        producer = fresh;
        return true;
    }

    private void closeProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException e) {
            LOG.debug("closing the failed producer: {}", e.toString());
        }
        producer = null;
    }

    private static String causeChain(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && b.length() < 2000; cause = cause.getCause()) {
            b.append(" <- ").append(cause);
        }
        return b.toString();
    }

    /** Closes the producer and the serializer. */
    @Override
    public void close() {
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        } catch (KafkaException e) {
            LOG.warn("closing producer worker={}: {}", workerId, e.toString());
        }
        serializer.close();
    }
}
