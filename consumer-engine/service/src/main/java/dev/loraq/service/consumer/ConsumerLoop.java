package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.LifecycleErrorCode;
import dev.loraq.schemas.registry.RegistryUnavailableException;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.validation.PromptRequestValidator;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.control.CancelledJobs;
import dev.loraq.service.inference.InferenceEngine;
import dev.loraq.service.inference.InferenceRequest;
import dev.loraq.service.inference.InferenceResult;
import dev.loraq.service.inference.RequestTranslation;
import dev.loraq.service.metrics.ServiceMetrics;
import dev.loraq.service.output.DeadLetterSizing;
import dev.loraq.service.output.DeadLetters;
import dev.loraq.service.output.ErrorOutcome;
import dev.loraq.service.output.OutputRecords;
import dev.loraq.service.output.OutputTopics;
import dev.loraq.service.output.RecordErrorHandler;
import dev.loraq.service.output.TenantTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns the KafkaConsumer: it polls, decodes and validates each record, hands requests to the engine
 * (or sets bad records aside as dead letters) and takes the engine's results back from a queue; every commit interval
 * {@link TransactionalCommitter} commits what is finished on its committer thread, which owns the transactional
 * producer, while this one goes on (on revocation and shutdown it waits for the commit). Per-partition state and the
 * rebalance rules are {@link PartitionStates}', flow control is {@link PauseController}'s. Job lifecycle: a request of a cancelled job ({@link CancelledJobs}), or one read after its
 * deadline ({@code expires_at}), completes at once as a {@code cancelled} / {@code batch_expired} error completion
 * without reaching the engine; requests in the engine are stopped there when their job is cancelled (running or not)
 * or when their deadline passes before their generation began, and complete so. Nothing starts before the
 * cancellations that existed at start are known.
 */
public final class ConsumerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    private static final Duration POLL_TIMEOUT_COMMITTING = Duration.ofMillis(5);
    /** How often requests in the engine are checked against their deadlines (cancellations: as soon as one is learned). */
    private static final long LIFECYCLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ServiceConfig config;
    private final KafkaClients clients;
    private final InferenceEngine engine;
    private final ServiceMetrics metrics;
    private final RecordErrorHandler errorHandler;
    private final TenantTopics tenantTopics;
    private final OutputRecords outputRecords;
    private final DeadLetters deadLetters;
    private final AvroDeserializer<PromptRequest> requestDeserializer;
    private final TransactionalCommitter committer;
    private final PauseController pauses;
    private final CancelledJobs cancelledJobs;

    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Consumer<byte[], byte[]> consumer;
    private volatile PartitionStates states;
    private long lastCommitNanos;
    private long lastLifecycleCheckNanos;
    private long cancellationsSeen;
    private volatile boolean stopping;
    private volatile Throwable failure;

    public ConsumerLoop(ServiceConfig config, KafkaClients clients, InferenceEngine engine, ServiceMetrics metrics,
                        RecordErrorHandler errorHandler, OutputTopics outputTopics) {
        this(config, clients, engine, metrics, errorHandler, outputTopics, CancelledJobs.none());
    }

    public ConsumerLoop(ServiceConfig config, KafkaClients clients, InferenceEngine engine, ServiceMetrics metrics,
                        RecordErrorHandler errorHandler, OutputTopics outputTopics, CancelledJobs cancelledJobs) {
        this.config = config;
        this.cancelledJobs = cancelledJobs;
        this.clients = clients;
        this.engine = engine;
        this.metrics = metrics;
        this.errorHandler = errorHandler;
        this.tenantTopics = new TenantTopics(config.outputTopicPattern(), config.tenantIdPattern());
        this.outputRecords = new OutputRecords(engine.modelId(), config.workerId());
        this.deadLetters = new DeadLetters(new DeadLetterSizing(config.dlqMaxValueBytes()));
        this.requestDeserializer = new AvroDeserializer<>(PromptRequest.class);
        this.requestDeserializer.configure(config.deserializerSettings(), false);
        AvroSerializer<SpecificRecord> outputSerializer = new AvroSerializer<>();
        outputSerializer.configure(config.registrySettings(), false);
        this.committer = new TransactionalCommitter(clients, outputSerializer,
                new OutputStandIns(outputTopics, deadLetters, outputRecords, config.dlqTopic()), metrics, config.workerId(),
                config.transactionalId());
        this.pauses = new PauseController(config.maxQueuedRecords(), config.metadataPauseBytes(), metrics, config.workerId());
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
        PartitionStates owned = states;
        return owned != null && owned.hasJoined() && failure == null && !stopping;
    }

    /** Whether the loop is running without a fatal error. */
    public boolean isHealthy() {
        return failure == null && stopped.getCount() > 0;
    }

    /** Whether the last commit attempt failed (aborted, or postponed because the registry or broker did not answer). */
    public boolean isCommitFailing() {
        return committer.isFailing();
    }

    /** How long no commit has succeeded while work was pending (in flight or finished, not committed); 0 when idle. */
    public long stalledForMs() {
        return committer.stalledForMs();
    }

    /** The fatal error that ended the loop, if any. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            committer.initTransactions();
            awaitCancellations();
            if (stopping) {
                return;
            }
            consumer = clients.consumer();
            states = new PartitionStates(consumer, engine, metrics, config.workerId(), config.revocationTimeoutMs(), new Revocation());
            consumer.subscribe(List.of(config.inputTopic()), states);
            lastCommitNanos = System.nanoTime();
            LOG.info("consumer loop started worker={} transactionalId={} group={} topic={}", config.workerId(),
                    config.transactionalId(), config.groupId(), config.inputTopic());
            while (!stopping) {
                pollOnce();
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
            if (states != null) {
                states.abandonAll();
            }
        } finally {
            closeQuietly();
            stopped.countDown();
        }
    }

    /** Starts no request before every cancellation asked before this start is known (a cancelled job must not run again). */
    private void awaitCancellations() throws InterruptedException {
        if (!cancelledJobs.isCaughtUp()) {
            LOG.info("waiting for the job-control topic to be read worker={} topic={}", config.workerId(), config.jobControlTopic());
        }
        while (!stopping && !cancelledJobs.awaitCaughtUp(100, TimeUnit.MILLISECONDS)) {
            // Checked again: stop() may come while the topic is being read.
        }
    }

    /** One turn: pauses and resumes, polls, dispatches what was read, takes finished results, commits when due. */
    private void pollOnce() {
        pauses.update(consumer, states, stopping);
        ConsumerRecords<byte[], byte[]> records;
        try {
            // Shorter while a transaction runs: its end frees queue room and lets the next one begin.
            records = consumer.poll(committer.isRunning() ? POLL_TIMEOUT_COMMITTING : POLL_TIMEOUT);
        } catch (WakeupException e) {
            return;
        }
        dispatch(records);
        drainFinished();
        stopEndedRequests();
        committer.takeOutcome(states);
        if (!committer.isRunning() && System.nanoTime() - lastCommitNanos >= TimeUnit.MILLISECONDS.toNanos(config.commitIntervalMs())) {
            prepareCommit();
            committer.commitInBackground(states, consumer::groupMetadata);
        }
    }

    /** Commits everything finished and waits for it: on revocation and shutdown. */
    private boolean commit() {
        prepareCommit();
        return committer.commit(states, consumer::groupMetadata);
    }

    /** Takes finished results into the transaction to come and refreshes the sampled metrics. */
    private void prepareCommit() {
        lastCommitNanos = System.nanoTime();
        drainFinished();
        metrics.sample(engine, states.queued(), states.lag());
    }

    // ---- dispatching records ------------------------------------------------------------------------------------

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
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
                state.retryAfter(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.registryRetryBackoffMs()));
                rewound.add(partition);
                continue;
            } catch (RuntimeException e) {
                deadLetter(record, state, deadLetters.undecodable(record, e));
                continue;
            }
            if (request == null) {
                deadLetter(record, state, deadLetters.tombstone(record));
            } else if (!tenantTopics.isValidTenant(request.getTenantId())) {
                deadLetter(record, state, deadLetters.noTenant(record, request, tenantTopics.whyInvalid(request.getTenantId())));
            } else if (request.getRequestId() == null || request.getRequestId().isBlank()) {
                deadLetter(record, state, deadLetters.noRequestId(record, request));
            } else {
                submit(record, state, request);
            }
        }
    }

    private void submit(ConsumerRecord<byte[], byte[]> record, PartitionState state, PromptRequest request) {
        String engineId = InFlight.engineIdOf(state.partition(), record.offset());
        InFlight inFlight = new InFlight(engineId, state.partition(), record, request);
        LifecycleErrorCode ended = lifecycleEnd(request, System.currentTimeMillis(), false);
        if (ended != null) {
            // Never reaches the engine: nothing is computed for it.
            finishByLifecycle(inFlight, state, ended, null);
            return;
        }
        state.submitted(inFlight);
        CompletableFuture<InferenceResult> future;
        try {
            PromptRequestValidator.validate(request);
            InferenceRequest inference = RequestTranslation.toInference(engineId, request);
            future = request.getExpiresAt() == null ? engine.submit(inference)
                    : engine.submit(inference, inFlight.lifecycle()::generationBegan);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((result, error) -> finished.add(new Finished(inFlight, result, error)));
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, PartitionState state, DeadLetter letter) {
        LOG.warn("dead letter code={} source={} : {}", letter.getErrorCode(), InFlight.engineIdOf(state.partition(), record.offset()),
                letter.getErrorMessage());
        state.finished(new PendingOutput(config.dlqTopic(), DeadLetters.kafkaKey(record), letter, state.partition(), record.offset(), null));
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
        PartitionState state = states.get(inFlight.partition());
        if (state == null || !state.isCurrent(inFlight)) {
            // Its partition was revoked or lost, or its work was rewound.
            metrics.resultDropped();
            return;
        }
        state.resultTaken(inFlight);
        PromptRequest request = inFlight.request();
        InferenceResult result = done.result();
        if (result != null && result.finishReason() == FinishReason.CANCELLED) {
            // Stopped by the loop for its job's cancel or its deadline; any other cancel is resubmitted below, and
            // submit() completes it at once should its job have been cancelled meanwhile.
            LifecycleErrorCode ended = inFlight.lifecycle().stoppedFor();
            if (ended != null) {
                finishByLifecycle(inFlight, state, ended, result);
                return;
            }
            if (stopping) {
                // Abandoned at shutdown: stays uncommitted, redone by the next owner.
                return;
            }
            LOG.info("request cancelled by the engine, resubmitting engineId={} requestId={}", inFlight.engineId(), request.getRequestId());
            submit(inFlight.record(), state, request);
            return;
        }
        Completion completion;
        if (result != null) {
            completion = outputRecords.completion(request, result);
        } else {
            ErrorOutcome outcome = errorHandler.onFailure(request, done.failure());
            if (outcome instanceof ErrorOutcome.DeadLetter letter) {
                deadLetter(inFlight.record(), state, deadLetters.of(inFlight.record(), letter.code(), letter.message()));
                return;
            }
            LOG.info("error completion requestId={} tenant={} code={} source={}: {}", request.getRequestId(),
                    request.getTenantId(), outcome.code(), inFlight.engineId(), outcome.message());
            completion = outputRecords.errorCompletion(request, outcome.code(), outcome.message());
        }
        finish(inFlight, state, completion);
    }

    /** A completion of the record joins the next transaction, in its tenant's topic, keyed by request id. */
    private void finish(InFlight inFlight, PartitionState state, Completion completion) {
        PromptRequest request = inFlight.request();
        state.finished(new PendingOutput(tenantTopics.topicFor(request.getTenantId()), request.getRequestId().getBytes(StandardCharsets.UTF_8),
                completion, inFlight.partition(), inFlight.offset(), inFlight));
    }

    // ---- job lifecycle: cancel and expiry -------------------------------------------------------------------------

    /**
     * Why this request must end now without (more) compute, or null: its job is cancelled, or its deadline has passed
     * (for a request in the engine only while its generation has not begun).
     */
    private LifecycleErrorCode lifecycleEnd(PromptRequest request, long nowMs, boolean generating) {
        if (cancelledJobs.of(request.getJobId(), request.getTenantId()) != null) {
            return LifecycleErrorCode.CANCELLED;
        }
        Instant deadline = request.getExpiresAt();
        if (deadline != null && !generating && nowMs >= deadline.toEpochMilli()) {
            return LifecycleErrorCode.BATCH_EXPIRED;
        }
        return null;
    }

    /**
     * Stops in the engine the requests whose job was cancelled since the last look, and those whose deadline passed
     * before their generation began; their CANCELLED results come back through {@link #accept}.
     */
    private void stopEndedRequests() {
        long now = System.nanoTime();
        long version = cancelledJobs.version();
        if (version == cancellationsSeen && now - lastLifecycleCheckNanos < LIFECYCLE_CHECK_NANOS) {
            return;
        }
        cancellationsSeen = version;
        lastLifecycleCheckNanos = now;
        long nowMs = System.currentTimeMillis();
        for (PartitionState state : states.all()) {
            for (InFlight inFlight : state.work()) {
                AttemptLifecycle lifecycle = inFlight.lifecycle();
                if (lifecycle.stoppedFor() != null) {
                    continue;
                }
                LifecycleErrorCode ended = lifecycleEnd(inFlight.request(), nowMs, lifecycle.generating());
                if (ended != null) {
                    lifecycle.stopFor(ended);
                    LOG.info("stopping request in the engine requestId={} jobId={} tenant={} reason={} source={}",
                            inFlight.request().getRequestId(), inFlight.request().getJobId(), inFlight.request().getTenantId(),
                            ended, inFlight.engineId());
                    engine.cancel(inFlight.engineId());
                }
            }
        }
    }

    /** Completes a request ended by its job's lifecycle; {@code stopped} is its engine result when it was stopped there. */
    private void finishByLifecycle(InFlight inFlight, PartitionState state, LifecycleErrorCode code, InferenceResult stopped) {
        PromptRequest request = inFlight.request();
        String message = switch (code) {
            case CANCELLED -> "Request " + request.getRequestId() + " of job " + request.getJobId() + " was cancelled";
            case BATCH_EXPIRED -> "Request " + request.getRequestId() + " of job " + request.getJobId()
                    + " expired: the job's completion window ended at " + request.getExpiresAt() + " before its generation began";
        };
        LOG.info("lifecycle completion requestId={} jobId={} tenant={} code={} inEngine={} source={}", request.getRequestId(),
                request.getJobId(), request.getTenantId(), code, stopped != null, inFlight.engineId());
        Completion completion = outputRecords.lifecycleCompletion(request, code, message, stopped);
        finish(inFlight, state, completion);
    }

    // ---- shutdown -----------------------------------------------------------------------------------------------

    private void shutdown() {
        LOG.info("shutting down worker={} inFlight={} pending={} deadlineMs={}", config.workerId(), states.inEngine(),
                states.pendingOutputs(), config.shutdownTimeoutMs());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        // Paused, but still polling: the group keeps this member while its work finishes.
        while (states.inEngine() > 0 && System.nanoTime() - deadline < 0) {
            pollOnce();
        }
        commit();
        int abandoned = states.abandonAll();
        LOG.info("shut down worker={} abandoned={} (left uncommitted for the next owner)", config.workerId(), abandoned);
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
        committer.close();
        requestDeserializer.close();
    }

    /** A revocation's steps that need the loop: taking the engine's results, and the commit. */
    private final class Revocation implements PartitionStates.Owner {

        @Override
        public void takeResult(long waitMs) throws InterruptedException {
            Finished next = finished.poll(waitMs, TimeUnit.MILLISECONDS);
            if (next != null) {
                accept(next);
            }
        }

        @Override
        public boolean commit() {
            return ConsumerLoop.this.commit();
        }
    }
}
