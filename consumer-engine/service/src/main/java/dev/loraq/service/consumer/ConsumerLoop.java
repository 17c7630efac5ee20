package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.RegistryUnavailableException;
import dev.loraq.schemas.registry.SchemaNotFoundException;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.DecodeLimitException;
import dev.loraq.schemas.serde.WireFormatException;
import dev.loraq.schemas.validation.PromptRequestValidator;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.InferenceEngine;
import dev.loraq.service.inference.InferenceRequest;
import dev.loraq.service.inference.InferenceResult;
import dev.loraq.service.inference.RequestTranslation;
import dev.loraq.service.metrics.ServiceMetrics;
import dev.loraq.service.output.DeadLetterSizing;
import dev.loraq.service.output.ErrorOutcome;
import dev.loraq.service.output.OutputRecords;
import dev.loraq.service.output.RecordErrorHandler;
import dev.loraq.service.output.TenantTopics;
import dev.loraq.service.output.TopicProvisioner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns the KafkaConsumer and the transactional producer: polls, decodes, validates, submits to the
 * engine, collects finished results from a queue and, every commit interval (and on revocation and shutdown), writes
 * the completions and dead letters finished since the last commit together with the offsets that cover them in one
 * transaction (offsets sent with the consumer's group metadata, KIP-447). Offsets per partition follow
 * {@link PartitionState}: the lowest incomplete offset, with completed higher offsets in the commit metadata.
 */
public final class ConsumerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

    private final ServiceConfig config;
    private final KafkaClients clients;
    private final InferenceEngine engine;
    private final ServiceMetrics metrics;
    private final RecordErrorHandler errorHandler;
    private final TenantTopics tenantTopics;
    private final TopicProvisioner provisioner;
    private final OutputRecords outputRecords;
    private final AvroDeserializer<PromptRequest> requestDeserializer;
    private final AvroSerializer<Completion> completionSerializer;
    private final AvroSerializer<DeadLetter> deadLetterSerializer;

    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private final Map<TopicPartition, Long> retryAfterNanos = new HashMap<>();
    private final Map<String, InFlight> inFlightById = new LinkedHashMap<>();
    private final List<PendingOutput> pending = new ArrayList<>();
    /** Sources whose output a broker refused as too large: their next attempt writes a smaller stand-in. */
    private final Set<SourceOffset> tooLarge = new HashSet<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private boolean backpressured;
    private long lastCommitNanos;
    private volatile boolean stopping;
    private volatile boolean joined;
    private volatile long lastCommitOkNanos = System.nanoTime();
    private volatile boolean commitFailing;
    private volatile boolean workPending;
    /** An abort failed, so whether the last transaction committed is unknown until a new producer settles it. */
    private boolean rewindWhenSettled;
    private volatile Throwable failure;

    public ConsumerLoop(ServiceConfig config, KafkaClients clients, InferenceEngine engine, ServiceMetrics metrics,
                        RecordErrorHandler errorHandler, TopicProvisioner provisioner) {
        this.config = config;
        this.clients = clients;
        this.engine = engine;
        this.metrics = metrics;
        this.errorHandler = errorHandler;
        this.provisioner = provisioner;
        this.tenantTopics = new TenantTopics(config.outputTopicPattern(), config.tenantIdPattern());
        this.outputRecords = new OutputRecords(engine.modelId(), config.workerId(), new DeadLetterSizing(config.dlqMaxValueBytes()));
        Map<String, String> registry = config.registrySettings();
        this.requestDeserializer = new AvroDeserializer<>(PromptRequest.class);
        this.requestDeserializer.configure(config.deserializerSettings(), false);
        this.completionSerializer = new AvroSerializer<>();
        this.completionSerializer.configure(registry, false);
        this.deadLetterSerializer = new AvroSerializer<>();
        this.deadLetterSerializer.configure(registry, false);
    }

    /** Asks the loop to stop: it stops fetching, lets in-flight work finish within shutdown.timeout.ms, commits and closes. */
    public void stop() {
        // No consumer.wakeup(): it could interrupt a commit's offset lookup; the short poll timeout notices the flag.
        stopping = true;
    }

    /** Waits until the loop has closed its clients. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /** Whether the loop has joined the group (had an assignment, possibly empty). */
    public boolean isReady() {
        return joined && failure == null && !stopping;
    }

    /** Whether the loop is running without a fatal error. */
    public boolean isHealthy() {
        return failure == null && stopped.getCount() > 0;
    }

    /** Whether the last commit attempt failed (aborted, or postponed because the registry or broker did not answer). */
    public boolean isCommitFailing() {
        return commitFailing;
    }

    /** How long no commit has succeeded while work was pending (in flight or finished, not committed); 0 when idle. */
    public long stalledForMs() {
        return workPending ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastCommitOkNanos) : 0;
    }

    /** The fatal error that ended the loop, if any. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            producer = clients.producer();
            producer.initTransactions();
            consumer = clients.consumer();
            consumer.subscribe(List.of(config.inputTopic()), new Rebalance());
            lastCommitNanos = System.nanoTime();
            LOG.info("consumer loop started worker={} transactionalId={} group={} topic={}", config.workerId(),
                    config.transactionalId(), config.groupId(), config.inputTopic());
            while (!stopping) {
                updatePauses();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    continue;
                }
                handle(records);
                drainFinished();
                if (System.nanoTime() - lastCommitNanos >= TimeUnit.MILLISECONDS.toNanos(config.commitIntervalMs())) {
                    commit();
                }
            }
            shutdown();
        } catch (Throwable t) {
            failure = t;
            if (t instanceof AuthorizationException) {
                // Kafka names the resource, not what was refused; say what the engine's principal needs.
                LOG.error("not authorized worker={}: {}; the engine's principal needs READ on topic {} and group {}, WRITE on the "
                        + "completion topics and {}, and WRITE on transactional id {} (docs/security.md, loraq acls)", config.workerId(),
                        t.getMessage(), config.inputTopic(), config.groupId(), config.dlqTopic(), config.transactionalId());
            }
            LOG.error("consumer loop failed worker={}: {}", config.workerId(), t.toString(), t);
            cancelAll();
        } finally {
            closeQuietly();
            stopped.countDown();
        }
    }

    // ---- consuming ----------------------------------------------------------------------------------------------

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Set<TopicPartition> rewound = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            PartitionState state = states.get(partition);
            if (state == null || rewound.contains(partition)) {
                continue;
            }
            if (state.isCompleted(record.offset())) {
                state.read(record.offset());
                metrics.recordSkipped();
                continue;
            }
            metrics.recordIn();
            PromptRequest request;
            try {
                request = requestDeserializer.deserialize(record.topic(), record.headers(), record.value());
            } catch (RegistryUnavailableException e) {
                // Not the record's fault: read it again later rather than dead-lettering it.
                // The registry client logs the outage once; each retried record only at debug.
                LOG.debug("schema registry unavailable, retrying partition={} offset={} in {} ms: {}", partition,
                        record.offset(), config.registryRetryBackoffMs(), e.getMessage());
                metrics.registryRetry();
                consumer.seek(partition, record.offset());
                retryAfterNanos.put(partition, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.registryRetryBackoffMs()));
                rewound.add(partition);
                continue;
            } catch (RuntimeException e) {
                deadLetter(record, state, decodeErrorCode(e), "Cannot decode PromptRequest at " + coordinates(record) + ": " + e.getMessage());
                continue;
            }
            if (request == null) {
                deadLetter(record, state, "tombstone", "Record at " + coordinates(record) + " has no value");
                continue;
            }
            if (!tenantTopics.isValidTenant(request.getTenantId())) {
                deadLetter(record, state, "no_tenant", "Request " + request.getRequestId() + " at " + coordinates(record)
                        + ": " + tenantTopics.whyInvalid(request.getTenantId()));
                continue;
            }
            if (request.getRequestId() == null || request.getRequestId().isBlank()) {
                deadLetter(record, state, "no_request_id", "Request at " + coordinates(record) + " of tenant "
                        + request.getTenantId() + " has an empty request_id");
                continue;
            }
            submit(record, partition, state, request);
        }
    }

    private void submit(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, PartitionState state, PromptRequest request) {
        String engineId = InFlight.engineIdOf(partition, record.offset());
        InFlight inFlight = new InFlight(engineId, partition, record, request);
        state.started(record.offset());
        inFlightById.put(engineId, inFlight);
        CompletableFuture<InferenceResult> future;
        try {
            PromptRequestValidator.validate(request);
            InferenceRequest inference = RequestTranslation.toInference(engineId, request);
            future = engine.submit(inference);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((result, error) -> finished.add(new Finished(inFlight, result, error)));
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, PartitionState state, String code, String message) {
        LOG.warn("dead letter code={} source={} : {}", code, coordinates(record), message);
        DeadLetter letter = outputRecords.deadLetter(record, code, message);
        TopicPartition source = new TopicPartition(record.topic(), record.partition());
        pending.add(new PendingOutput(config.dlqTopic(), DeadLetterSizing.kafkaKey(record.key()), letter, source, record.offset(), null));
        state.completed(record.offset());
    }

    private static String decodeErrorCode(RuntimeException e) {
        if (e instanceof WireFormatException) {
            return "wire_format";
        }
        if (e instanceof SchemaNotFoundException) {
            return "schema_not_found";
        }
        if (e instanceof DecodeLimitException) {
            return "decode_limit";
        }
        if (e instanceof SerializationException) {
            return "avro_decode";
        }
        return "decode_failed";
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    // ---- results ------------------------------------------------------------------------------------------------

    /** Moves finished results into the pending outputs of the next transaction. */
    private void drainFinished() {
        Finished next;
        while ((next = finished.poll()) != null) {
            accept(next);
        }
    }

    private void accept(Finished done) {
        InFlight inFlight = done.inFlight();
        if (inFlightById.get(inFlight.engineId()) != inFlight) {
            metrics.resultDropped();
            return;
        }
        PartitionState state = states.get(inFlight.partition());
        if (state == null) {
            metrics.resultDropped();
            inFlightById.remove(inFlight.engineId());
            return;
        }
        PromptRequest request = inFlight.request();
        InferenceResult result = done.result();
        if (result != null && result.finishReason() == FinishReason.CANCELLED) {
            if (stopping) {
                // Abandoned at shutdown: stays uncommitted, redone by the next owner.
                inFlightById.remove(inFlight.engineId());
                return;
            }
            LOG.info("request cancelled by the engine, resubmitting engineId={} requestId={}", inFlight.engineId(), request.getRequestId());
            inFlightById.remove(inFlight.engineId());
            submit(inFlight.record(), inFlight.partition(), state, request);
            return;
        }
        inFlightById.remove(inFlight.engineId());
        String topic = tenantTopics.topicFor(request.getTenantId());
        Completion completion;
        if (result != null) {
            completion = outputRecords.completion(request, result);
        } else {
            ErrorOutcome outcome = errorHandler.onFailure(request, done.failure());
            if (outcome instanceof ErrorOutcome.DeadLetter letter) {
                deadLetter(inFlight.record(), state, letter.code(), letter.message());
                return;
            }
            LOG.info("error completion requestId={} tenant={} code={} source={}: {}", request.getRequestId(),
                    request.getTenantId(), outcome.code(), coordinates(inFlight.record()), outcome.message());
            completion = outputRecords.errorCompletion(request, outcome.code(), outcome.message());
        }
        pending.add(new PendingOutput(topic, request.getRequestId().getBytes(StandardCharsets.UTF_8), completion,
                inFlight.partition(), inFlight.offset(), inFlight));
        state.completed(inFlight.offset());
    }

    // ---- committing ---------------------------------------------------------------------------------------------

    /** One transaction: pending outputs plus the offsets they cover. Returns whether it committed (or had nothing to do). */
    private boolean commit() {
        lastCommitNanos = System.nanoTime();
        drainFinished();
        if (rewindWhenSettled) {
            if (!ensureProducer()) {
                commitFailing = true;
                return false;
            }
            try {
                rewind(states.keySet());
            } catch (KafkaException e) {
                LOG.warn("rewind postponed worker={}: {}", config.workerId(), e.toString());
                commitFailing = true;
                return false;
            }
            rewindWhenSettled = false;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : states.values()) {
            if (state.hasUncommittedProgress()) {
                offsets.put(state.partition(), state.toCommit());
            }
        }
        sampleMetrics();
        workPending = !pending.isEmpty() || !inFlightById.isEmpty() || !offsets.isEmpty();
        if (pending.isEmpty() && offsets.isEmpty()) {
            committed();
            return true;
        }
        List<ProducerRecord<byte[], byte[]>> out;
        try {
            out = serializeAll();
        } catch (KafkaException e) {
            // Registry or admin unreachable: nothing is begun, everything stays pending for the next interval.
            LOG.warn("commit postponed worker={} pending={}: {}", config.workerId(), pending.size(), e.getMessage());
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
            for (int i = 0; i < out.size(); i++) {
                PendingOutput output = pending.get(i);
                ProducerRecord<byte[], byte[]> record = out.get(i);
                int size = record.value().length + (record.key() == null ? 0 : record.key().length);
                producer.send(record, (metadata, error) -> failures.failed(output, record.topic(), size, error));
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            LOG.error("transaction failed fatally for this producer worker={} transactionalId={}: {}; recreating the producer and rewinding",
                    config.workerId(), config.transactionalId(), causeChain(e));
            metrics.aborted();
            commitFailing = true;
            // Another producer with our transactional id may have written for these partitions: start over from
            // what is committed.
            closeProducer();
            rewind(states.keySet());
            return false;
        } catch (KafkaException e) {
            // Nothing of this transaction is visible, and the partitions are still ours (a lost or revoked one has
            // been dropped by the rebalance listener): its outputs stay pending and the next transaction sends them
            // again with the group's current generation. Rewinding would throw finished work away.
            LOG.warn("transaction aborted worker={} records={} partitions={} failedSends={}: {}; retrying its outputs in the next transaction",
                    config.workerId(), out.size(), offsets.size(), failures.count(), causeChain(e));
            tooLarge.addAll(failures.tooLarge());
            metrics.aborted();
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                // The transaction's fate is unknown (a commit that timed out may still complete): the next producer's
                // initTransactions settles it, and then only the committed offsets say what is done.
                LOG.warn("abort failed worker={}: {}; rewinding to the committed offsets once a new producer has settled the transaction",
                        config.workerId(), abortFailure.toString());
                closeProducer();
                rewindWhenSettled = true;
            }
            commitFailing = true;
            return false;
        }
        committed();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            states.get(entry.getKey()).markCommitted(entry.getValue());
        }
        for (PendingOutput output : pending) {
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
        metrics.committed(out.size());
        for (PendingOutput output : pending) {
            tooLarge.remove(new SourceOffset(output.source(), output.sourceOffset()));
        }
        LOG.debug("transaction committed worker={} records={} offsets={}", config.workerId(), out.size(), offsets);
        pending.clear();
        return true;
    }

    private void committed() {
        lastCommitOkNanos = System.nanoTime();
        commitFailing = false;
    }

    private static String causeChain(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && b.length() < 2000; cause = cause.getCause()) {
            b.append(" <- ").append(cause);
        }
        return b.toString();
    }

    private List<ProducerRecord<byte[], byte[]>> serializeAll() {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            PendingOutput output = pending.get(i);
            if (tooLarge.contains(new SourceOffset(output.source(), output.sourceOffset()))) {
                output = shrunk(output);
                pending.set(i, output);
            }
            if (output.value() instanceof Completion && !provisioner.ensure(output.topic())) {
                // Auto-creation is off and the tenant's topic is missing: the original record goes to the dead-letter
                // topic, from where it can be replayed once the topic exists.
                ConsumerRecord<byte[], byte[]> source = output.origin().record();
                DeadLetter letter = outputRecords.deadLetter(source, "output_topic_missing", "Output topic " + output.topic()
                        + " does not exist and topics.auto.create is false (request "
                        + new String(output.key(), StandardCharsets.UTF_8) + ")");
                output = new PendingOutput(config.dlqTopic(), DeadLetterSizing.kafkaKey(source.key()), letter, output.source(),
                        output.sourceOffset(), output.origin());
                pending.set(i, output);
            }
            if (output.value() instanceof DeadLetter) {
                provisioner.ensure(config.dlqTopic());
            }
            byte[] value = serialize(output.topic(), output.value());
            out.add(new ProducerRecord<>(output.topic(), output.key(), value));
        }
        return out;
    }

    /**
     * The smaller stand-in for an output the broker refused as too large in an earlier transaction, so the record it
     * answers cannot stall its partition: an error completion without text, or a dead letter without value and headers.
     */
    private PendingOutput shrunk(PendingOutput output) {
        String reason = "the output for " + output.source() + "@" + output.sourceOffset() + " was refused by the broker as too large";
        if (output.value() instanceof Completion completion && output.origin() != null) {
            Completion error = outputRecords.errorCompletion(output.origin().request(), "output_too_large", "The completion of request "
                    + completion.getRequestId() + " is larger than the pipeline can write; lower max_tokens");
            LOG.warn("replacing a too large completion by an error requestId={} source={}@{}", completion.getRequestId(),
                    output.source(), output.sourceOffset());
            return new PendingOutput(output.topic(), output.key(), error, output.source(), output.sourceOffset(), output.origin());
        }
        if (output.value() instanceof DeadLetter letter) {
            DeadLetter bare = DeadLetter.newBuilder(letter).setValue(ByteBuffer.allocate(0)).setHeaders(Map.of())
                    .setValueTruncated(true)
                    .setOriginalValueSize(letter.getOriginalValueSize() != null ? letter.getOriginalValueSize()
                            : letter.getValue() == null ? 0L : (long) letter.getValue().remaining())
                    .setErrorMessage(letter.getErrorMessage().length() > 1000 ? letter.getErrorMessage().substring(0, 1000) + "; " + reason
                            : letter.getErrorMessage() + "; " + reason)
                    .build();
            LOG.warn("replacing a too large dead letter by one without value and headers source={}@{}", output.source(), output.sourceOffset());
            return new PendingOutput(output.topic(), output.key(), bare, output.source(), output.sourceOffset(), output.origin());
        }
        return output;
    }

    private byte[] serialize(String topic, SpecificRecord value) {
        if (value instanceof Completion completion) {
            return completionSerializer.serialize(topic, completion);
        }
        return deadLetterSerializer.serialize(topic, (DeadLetter) value);
    }

    private void closeProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException e) {
            LOG.debug("closing the failed producer: {}", e.toString());
        }
        producer = null;
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
                    config.workerId(), config.transactionalId(), e.toString());
            fresh.close(Duration.ZERO);
            return false;
        }
        producer = fresh;
        return true;
    }

    /**
     * After an aborted transaction: forgets all uncommitted work of these partitions (cancelling it in the engine)
     * and reads them again from their committed offsets and metadata. Nothing is lost: what was not committed is redone.
     */
    private void rewind(Collection<TopicPartition> partitions) {
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
            states.put(partition, PartitionState.assigned(partition, offset, offset != null ? offset.offset() : consumer.position(partition)));
        }
        LOG.info("rewound partitions={} to committed offsets", set);
    }

    /** Cancels in-flight work and discards pending outputs of these partitions; returns how many were cancelled. */
    private int dropWork(Set<TopicPartition> partitions) {
        int cancelled = 0;
        Iterator<InFlight> it = inFlightById.values().iterator();
        while (it.hasNext()) {
            InFlight inFlight = it.next();
            if (partitions.contains(inFlight.partition())) {
                it.remove();
                engine.cancel(inFlight.engineId());
                cancelled++;
            }
        }
        int before = pending.size();
        pending.removeIf(output -> partitions.contains(output.source()));
        metrics.resultsDiscarded(before - pending.size());
        return cancelled;
    }

    // ---- flow control -------------------------------------------------------------------------------------------

    private void updatePauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        int queued = inFlightById.size() + pending.size();
        if (!backpressured && queued >= config.maxQueuedRecords()) {
            backpressured = true;
            LOG.debug("backpressure on worker={} queued={}", config.workerId(), queued);
        } else if (backpressured && queued <= config.maxQueuedRecords() / 2) {
            backpressured = false;
            LOG.debug("backpressure off worker={} queued={}", config.workerId(), queued);
        }
        long now = System.nanoTime();
        Map<TopicPartition, String> desired = new HashMap<>();
        for (TopicPartition partition : assigned) {
            PartitionState state = states.get(partition);
            Long retryAfter = retryAfterNanos.get(partition);
            if (retryAfter != null && retryAfter - now <= 0) {
                retryAfterNanos.remove(partition);
                retryAfter = null;
            }
            String reason = stopping ? "shutdown"
                    : state != null && state.metadataNearLimit(config.metadataPauseBytes()) ? "offset_metadata"
                    : retryAfter != null ? "registry_retry"
                    : backpressured ? "backpressure" : null;
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
                metrics.partitionPaused(desired.get(partition));
                if (!"backpressure".equals(desired.get(partition))) {
                    LOG.info("partition paused worker={} partition={} reason={} state={}", config.workerId(), partition,
                            desired.get(partition), states.get(partition));
                }
            }
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
            LOG.debug("partitions resumed worker={} partitions={}", config.workerId(), toResume);
        }
        Map<String, Integer> pausedByReason = new HashMap<>();
        desired.values().forEach(reason -> pausedByReason.merge(reason, 1, Integer::sum));
        metrics.pausedNow(pausedByReason);
    }

    private void sampleMetrics() {
        Map<String, Long> lag = new HashMap<>();
        for (TopicPartition partition : states.keySet()) {
            OptionalLong partitionLag = consumer.currentLag(partition);
            if (partitionLag.isPresent()) {
                lag.put(partition.toString(), partitionLag.getAsLong());
            }
        }
        metrics.sample(engine, inFlightById.size() + pending.size(), lag);
    }

    // ---- shutdown -----------------------------------------------------------------------------------------------

    private void shutdown() {
        LOG.info("shutting down worker={} inFlight={} pending={} deadlineMs={}", config.workerId(), inFlightById.size(),
                pending.size(), config.shutdownTimeoutMs());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        // Paused, but still polling: the group keeps this member while its work finishes.
        while (!inFlightById.isEmpty() && System.nanoTime() - deadline < 0) {
            updatePauses();
            try {
                handle(consumer.poll(POLL_TIMEOUT));
            } catch (WakeupException ignored) {
                // stop() again: keep draining until the deadline.
            }
            drainFinished();
            if (System.nanoTime() - lastCommitNanos >= TimeUnit.MILLISECONDS.toNanos(config.commitIntervalMs())) {
                commit();
            }
        }
        commit();
        int abandoned = inFlightById.size();
        cancelAll();
        LOG.info("shut down worker={} abandoned={} (left uncommitted for the next owner)", config.workerId(), abandoned);
    }

    private void cancelAll() {
        for (InFlight inFlight : inFlightById.values()) {
            engine.cancel(inFlight.engineId());
        }
        metrics.cancelled("shutdown", inFlightById.size());
        inFlightById.clear();
    }

    private void closeQuietly() {
        try {
            if (consumer != null) {
                // Leave even as a static member: this instance takes no more work, so its partitions move now
                // instead of after session.timeout.ms (KIP-1092). A crash skips this; the restart reclaims them.
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
            }
        } catch (KafkaException e) {
            LOG.warn("closing consumer worker={}: {}", config.workerId(), e.toString());
        }
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        } catch (KafkaException e) {
            LOG.warn("closing producer worker={}: {}", config.workerId(), e.toString());
        }
        requestDeserializer.close();
        completionSerializer.close();
        deadLetterSerializer.close();
    }

    // ---- rebalancing --------------------------------------------------------------------------------------------

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                PartitionState state = PartitionState.assigned(partition, offset, offset != null ? offset.offset() : consumer.position(partition));
                states.put(partition, state);
                LOG.info("partition assigned worker={} partition={} committed={} completedAbove={}", config.workerId(),
                        partition, offset == null ? "none" : offset.offset(), state.completedAboveCommit().size());
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> revoked = new HashSet<>(partitions);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.revocationTimeoutMs());
            // Let their in-flight work finish for a bounded time, then commit while the partitions are still ours.
            while (inFlightIn(revoked) > 0 && System.nanoTime() - deadline < 0) {
                try {
                    Finished next = finished.poll(20, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        accept(next);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!commit()) {
                LOG.warn("commit on revocation failed worker={} partitions={}; their uncommitted work is left to the next owner",
                        config.workerId(), revoked);
            }
            int cancelled = dropWork(revoked);
            metrics.cancelled("revocation", cancelled);
            revoked.forEach(states::remove);
            revoked.forEach(retryAfterNanos::remove);
            LOG.info("partitions revoked worker={} partitions={} cancelled={}", config.workerId(), revoked, cancelled);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<TopicPartition> lost = new HashSet<>(partitions);
            // Not ours any more: nothing may be committed for them.
            int cancelled = dropWork(lost);
            metrics.cancelled("lost", cancelled);
            lost.forEach(states::remove);
            lost.forEach(retryAfterNanos::remove);
            LOG.warn("partitions lost worker={} partitions={} cancelled={}", config.workerId(), lost, cancelled);
        }

        private int inFlightIn(Set<TopicPartition> partitions) {
            int count = 0;
            for (InFlight inFlight : inFlightById.values()) {
                if (partitions.contains(inFlight.partition())) {
                    count++;
                }
            }
            return count;
        }
    }
}
