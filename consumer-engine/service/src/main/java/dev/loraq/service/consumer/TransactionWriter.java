package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.service.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
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
 * Writes one {@link CommitBatch} as one transaction: its outputs (each replaced by its stand-in first, and
 * serialized), then its offsets with the batch's group metadata (KIP-447), then the commit; a failure is aborted.
 * Owns the transactional producer (a new one after each fatal failure, made when a transaction needs it), the
 * serializer and the stand-ins. Runs on the committer thread only; {@link TransactionalCommitter} decides what the
 * outcome means for the partitions.
 */
final class TransactionWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionWriter.class);

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

    TransactionWriter(KafkaClients clients, Serializer<SpecificRecord> serializer, OutputStandIns standIns, ServiceMetrics metrics,
                      String workerId, String transactionalId) {
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

    /**
     * A producer with initialised transactions, made anew after a failure (its initTransactions settles the last
     * transaction of our id); false while the cluster cannot give one.
     */
    boolean ensureProducer() {
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

    /** One transaction of the batch; a failure is aborted, and the outcome says what is known of it. */
    TransactionOutcome write(CommitBatch batch) {
        List<Outgoing> out;
        try {
            out = prepare(batch);
        } catch (KafkaException e) {
            // Registry or admin unreachable: nothing is begun, everything waits for the next interval.
            LOG.warn("commit postponed worker={} pending={}: {}", workerId, batch.outputCount(), e.getMessage());
            return TransactionOutcome.POSTPONED;
        }
        if (!ensureProducer()) {
            return TransactionOutcome.POSTPONED;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = batch.offsets();
        SendFailures failures = new SendFailures();
        try {
            producer.beginTransaction();
            for (Outgoing outgoing : out) {
                ProducerRecord<byte[], byte[]> record = outgoing.record();
                int size = record.value().length + (record.key() == null ? 0 : record.key().length);
                producer.send(record, (metadata, error) -> failures.failed(outgoing.output(), record.topic(), size, error));
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, batch.groupMetadata());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            LOG.error("transaction failed fatally for this producer worker={} transactionalId={}: {}; recreating the producer and rewinding",
                    workerId, transactionalId, causeChain(e));
            metrics.aborted();
            closeProducer();
            return TransactionOutcome.FENCED;
        } catch (KafkaException e) {
            LOG.warn("transaction aborted worker={} records={} partitions={} failedSends={}: {}; retrying its outputs in the next transaction",
                    workerId, out.size(), offsets.size(), failures.count(), causeChain(e));
            standIns.refusedAsTooLarge(failures.tooLarge());
            metrics.aborted();
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                LOG.warn("abort failed worker={}: {}; rewinding to the committed offsets once a new producer has settled the transaction",
                        workerId, abortFailure.toString());
                closeProducer();
                return TransactionOutcome.FATE_UNKNOWN;
            }
            return TransactionOutcome.ABORTED;
        }
        List<PendingOutput> sent = out.stream().map(Outgoing::output).toList();
        countCommitted(sent);
        standIns.committed(sent);
        LOG.debug("transaction committed worker={} records={} offsets={}", workerId, out.size(), offsets);
        return TransactionOutcome.COMMITTED;
    }

    /** Replaces each output of the batch, in place, by what is to be sent for it and serializes it. */
    private List<Outgoing> prepare(CommitBatch batch) {
        List<Outgoing> out = new ArrayList<>();
        for (CommitBatch.Part part : batch.parts()) {
            List<PendingOutput> outputs = part.outputs();
            for (int i = 0; i < outputs.size(); i++) {
                // Kept replaced when a later one throws: a stand-in is what its source is to get in any case.
                PendingOutput output = standIns.toSend(outputs.get(i));
                outputs.set(i, output);
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
