package dev.loraq.engine.sched;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.cache.AdapterCache;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.engine.text.StreamingDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The continuous-batching loop. One thread owns the running batch; each iteration it takes new submissions and
 * cancellations, admits waiting sequences (the {@link SchedulingPolicy} decides which, within max.num.seqs, free KV
 * blocks and free adapter slots), runs one step over decode rows and prefill chunks together (at most
 * max.num.batched.tokens rows, so a long prompt is chunked and never stalls running decodes), samples, streams each
 * token's text delta and retires finished sequences. Deltas and results go to each sequence's
 * {@link dev.loraq.engine.delivery.RequestDelivery}, which runs them off this thread.
 *
 * <p>Waiting sequences are queued per {@link RequestClass} and per adapter; {@link BatchShare} decides which class is
 * asked first for each admission (interactive first, batch work keeps its guaranteed share) and the policy picks within
 * the class, so adapter affinity and aging hold within each class.
 *
 * <p>At most max.waiting.requests requests wait for admission (see {@link WaitingLimit}); a submission beyond that is
 * refused at once with {@link ErrorCode#OVERLOADED}.
 *
 * <p>KV blocks for a sequence's whole capacity (prompt plus max_tokens) are reserved at admission, so a running
 * sequence never needs preemption.
 */
public final class BatchScheduler implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);
    private static final int PREFETCH_PER_ITERATION = 2;
    /** Disk loads in flight at once: more would only evict each other from the host tier before use. */
    private static final int MAX_LOADS_IN_FLIGHT = 2;

    private final ComputeBackend backend;
    private final AdapterCache adapters;
    private final KvBlockAllocator kv;
    private final SchedulingPolicy policy;
    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    private final int vocabSize;
    private final String modelId;
    private final WaitingLimit places;
    private final BatchShare share;

    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    /** Waiting sequences per request class, indexed by {@link RequestClass#ordinal()}. */
    private final WaitingQueues[] waiting = {new WaitingQueues(), new WaitingQueues()};
    private final List<Sequence> running = new ArrayList<>();
    private final List<Sequence> finished = new ArrayList<>();
    private final Set<String> excluded = new HashSet<>();
    private final Map<String, Sequence> waitingById = new HashMap<>();
    private final int[] chunk;
    private final boolean[] slotInStep;
    private final StepBatch batch;
    private final Sequence[] logitsOwner;
    private final SchedulerStats stats = new SchedulerStats();
    private volatile EngineObserver observer = EngineObserver.NONE;
    /** Set when the running or waiting sequences changed since the gauges were last published. */
    private boolean gaugesStale = true;
    private volatile boolean stopping;

    private record Cancel(String requestId) { }

    public BatchScheduler(ComputeBackend backend, AdapterCache adapters, SchedulingPolicy policy, int maxNumSeqs,
                          int maxBatchedTokens, int maxWaitingRequests, BatchShare share, String modelId) {
        this.backend = backend;
        this.adapters = adapters;
        this.kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
        this.policy = policy;
        this.maxNumSeqs = maxNumSeqs;
        this.maxBatchedTokens = maxBatchedTokens;
        this.vocabSize = backend.config().vocabSize();
        this.modelId = modelId;
        this.places = new WaitingLimit(maxWaitingRequests);
        this.share = share;
        // At most one row per sequence asks for logits in a step, so the logits buffer needs maxNumSeqs rows only.
        this.batch = new StepBatch(kv, Math.max(maxBatchedTokens, maxNumSeqs), maxNumSeqs, vocabSize);
        this.logitsOwner = new Sequence[Math.max(maxBatchedTokens, maxNumSeqs)];
        this.chunk = new int[maxNumSeqs];
        this.slotInStep = new boolean[adapters.slots() + 1];
    }

    /**
     * Hands a sequence to the loop; thread-safe.
     *
     * @throws InvalidRequestException with {@link ErrorCode#OVERLOADED} when max.waiting.requests are waiting already
     */
    public void submit(Sequence s) {
        if (!places.tryTake(s)) {
            stats.overloaded.increment();
            throw new InvalidRequestException(ErrorCode.OVERLOADED, "engine overloaded: " + places.bound()
                    + " requests are waiting already, the most " + EngineConfig.MAX_WAITING_REQUESTS
                    + " allows; send it again later");
        }
        inbox.add(s);
    }

    /** Asks the loop to cancel a request, waiting or running; thread-safe. A waiting one's place is free at once. */
    public void cancel(String requestId) {
        places.giveBack(requestId);
        inbox.add(new Cancel(requestId));
    }

    /** Where admissions and token times go; guarded by the caller ({@link EngineObserver} says how it is called). */
    public void observe(EngineObserver newObserver) {
        this.observer = newObserver;
    }

    public SchedulerStats stats() {
        return stats;
    }

    /** The bound on waiting requests (max.waiting.requests). */
    public int maxWaitingRequests() {
        return places.bound();
    }

    public String policyName() {
        return policy.name();
    }

    /** Stops the loop after the current step; sequences still held are cancelled. */
    public void stop() {
        stopping = true;
        inbox.add(new Cancel(null));
    }

    @Override
    public void run() {
        log.info("scheduler started policy={} maxNumSeqs={} maxBatchedTokens={} slots={} batchReservedSeqs={}",
                policy.name(), maxNumSeqs, maxBatchedTokens, adapters.slots(), share.reservedSequences());
        try {
            while (!stopping) {
                takeInbox(running.isEmpty());
                adapters.collectLoads();
                failBrokenAdapters();
                admit();
                publishGauges();
                if (!running.isEmpty()) {
                    step();
                }
            }
        } catch (Throwable t) {
            log.error("scheduler failed; failing all held requests", t);
            failAll(t);
            throw t;
        } finally {
            cancelAll();
            log.info("scheduler stopped");
        }
    }

    private void takeInbox(boolean idle) {
        Object item;
        try {
            // Idle: block until work arrives, but wake regularly while adapters load from disk.
            item = idle ? inbox.poll(waitingCount() == 0 ? 100 : 2, TimeUnit.MILLISECONDS) : inbox.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return;
        }
        while (item != null) {
            gaugesStale = true;
            if (item instanceof Sequence s) {
                if (s.requestClass() == RequestClass.INTERACTIVE) {
                    share.interactiveArrived(System.nanoTime());
                }
                queuesOf(s).add(s);
                waitingById.put(s.requestId(), s);
            } else if (item instanceof Cancel c && c.requestId() != null) {
                cancelRequest(c.requestId());
            }
            item = inbox.poll();
        }
    }

    /** The adapter whose request of class {@code c} the policy admits next, or null (none, or batch over its cap). */
    private String nextAdapter(RequestClass c, int runningBatch, long now) {
        if (c == RequestClass.BATCH && !share.batchMayTake(runningBatch, now)) {
            return null;
        }
        return policy.nextAdapter(queues(c), adapters, excluded, now);
    }

    private WaitingQueues queues(RequestClass c) {
        return waiting[c.ordinal()];
    }

    private WaitingQueues queuesOf(Sequence s) {
        return queues(s.requestClass());
    }

    private int waitingCount() {
        return waiting[0].size() + waiting[1].size();
    }

    private static RequestClass other(RequestClass c) {
        return c == RequestClass.BATCH ? RequestClass.INTERACTIVE : RequestClass.BATCH;
    }

    private int runningOf(RequestClass c) {
        int n = 0;
        for (int i = 0; i < running.size(); i++) {
            if (running.get(i).requestClass() == c) {
                n++;
            }
        }
        return n;
    }

    private void admit() {
        excluded.clear();
        long now = System.nanoTime();
        int runningBatch = runningOf(RequestClass.BATCH);
        WaitingQueues batchQueues = queues(RequestClass.BATCH);
        EngineObserver obs = observer;
        while (running.size() < maxNumSeqs && waitingCount() > 0) {
            // The class first in line asks its policy; when none of its adapters can be admitted, the other class may.
            RequestClass c = share.first(runningBatch, !batchQueues.isEmpty());
            String key = nextAdapter(c, runningBatch, now);
            if (key == null) {
                c = other(c);
                key = nextAdapter(c, runningBatch, now);
            }
            if (key == null) {
                break;
            }
            WaitingQueues q = queues(c);
            Sequence s = q.peek(key);
            AdapterCache.Lease lease = null;
            if (s.usesAdapter()) {
                AdapterCache.Residency r = adapters.residency(key);
                if (r == AdapterCache.Residency.ABSENT || r == AdapterCache.Residency.LOADING) {
                    if (r == AdapterCache.Residency.ABSENT && adapters.loadsInFlight() < MAX_LOADS_IN_FLIGHT) {
                        adapters.load(key);
                        markWaitedForDisk(q, key);
                    }
                    excluded.add(key);
                    continue;
                }
                lease = adapters.tryAcquire(key);
                if (lease == null) {
                    excluded.add(key); // every slot is busy with running adapters
                    continue;
                }
            }
            int seq = kv.open();
            if (!kv.reserve(seq, s.capacity())) {
                kv.release(seq);
                if (lease != null) {
                    adapters.release(lease.slot());
                }
                break; // KV memory full: wait for running sequences to finish
            }
            q.poll(key);
            waitingById.remove(s.requestId());
            places.giveBack(s);
            if (lease != null) {
                s.admit(seq, lease.slot(), lease.kind(), lease.loadNanos());
            } else {
                s.admit(seq, -1, AdapterLoadKind.NONE, 0);
            }
            running.add(s);
            gaugesStale = true;
            if (c == RequestClass.BATCH) {
                runningBatch++;
            }
            obs.admitted(s.requestId(), c, s.request().adapterId(), s.loadKind(), s.admittedNanos() - s.submittedNanos());
            log.debug("admitted request={} adapter={} tier={} waitMs={}", s.requestId(), key, s.loadKind(),
                    (s.admittedNanos() - s.submittedNanos()) / 1_000_000);
        }
        int room = Math.min(Math.min(PREFETCH_PER_ITERATION, MAX_LOADS_IN_FLIGHT - adapters.loadsInFlight()),
                adapters.prefetchRoom());
        // Interactive requests' adapters first; a load started for one class is not offered again for the other.
        for (RequestClass c : RequestClass.values()) {
            if (room <= 0) {
                break;
            }
            for (String key : policy.prefetch(queues(c), adapters, room)) {
                adapters.load(key);
                markWaitedForDisk(queues(c), key);
                room--;
            }
        }
    }

    private static void markWaitedForDisk(WaitingQueues q, String key) {
        Sequence head = q.peek(key);
        if (head != null) {
            head.markWaitedForDisk();
        }
    }

    private void step() {
        batch.clear();
        int budget = maxBatchedTokens;
        Arrays.fill(slotInStep, false);
        int adaptersInStep = 0;
        // Decode rows first: one token each, so running sequences keep moving whatever prompts arrive.
        for (Sequence s : running) {
            if (!s.prefilling() && budget > 0) {
                int row = batch.addRow(s.kvSeq(), s.computed(), s.token(s.computed()), s.adapterSlot(), true);
                logitsOwner[row] = s;
                budget--;
                adaptersInStep += markSlot(s.adapterSlot());
            }
        }
        // Then prefill chunks with what is left of the token budget.
        Arrays.fill(chunk, 0);
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            if (!s.prefilling()) {
                continue;
            }
            int n = Math.min(s.promptLength() - s.computed(), budget);
            for (int j = 0; j < n; j++) {
                int pos = s.computed() + j;
                boolean last = pos == s.promptLength() - 1;
                int row = batch.addRow(s.kvSeq(), pos, s.token(pos), s.adapterSlot(), last);
                if (row >= 0) {
                    logitsOwner[row] = s;
                }
            }
            chunk[i] = n;
            budget -= n;
            adaptersInStep += markSlot(s.adapterSlot());
        }
        long start = System.nanoTime();
        backend.step(batch);
        // One clock read per step: every token sampled in it counts as generated now, and the step's time is shared.
        long stepEnd = System.nanoTime();
        long stepNanos = stepEnd - start;
        stats.stepNanos.add(stepNanos);
        stats.steps.increment();
        stats.rows.add(batch.rows());
        stats.adaptersInSteps.add(adaptersInStep);

        // Each sequence is charged the step's time in proportion to its rows, so the charges add up to the step.
        double nanosPerRow = (double) stepNanos / batch.rows();
        int sequences = 0;
        for (int i = 0; i < running.size(); i++) {
            Sequence s = running.get(i);
            if (chunk[i] > 0) {
                s.advanceComputed(chunk[i]);
                s.chargeStep(chunk[i], nanosPerRow);
                stats.promptTokens.add(chunk[i]);
                sequences++;
            } else if (!s.prefilling() && s.computed() < s.length()) {
                s.advanceComputed(1);
                s.chargeStep(1, nanosPerRow);
                sequences++;
            }
        }
        stats.sequencesInSteps.add(sequences);

        float[] logits = batch.logits();
        EngineObserver obs = observer;
        for (int row = 0; row < batch.logitsRows(); row++) {
            Sequence s = logitsOwner[row];
            logitsOwner[row] = null;
            int token = s.sampler().sample(logits, batch.logitsOffset(row), vocabSize);
            stats.generatedTokens.increment();
            FinishReason reason = accept(s, token, stepEnd, obs);
            if (reason != null) {
                finish(s, reason);
            }
        }
        if (!finished.isEmpty()) {
            running.removeAll(finished);
            finished.clear();
            gaugesStale = true;
        }
    }

    /** Marks an adapter slot (-1 = base) as used in this step; returns 1 the first time. */
    private int markSlot(int slot) {
        if (slotInStep[slot + 1]) {
            return 0;
        }
        slotInStep[slot + 1] = true;
        return 1;
    }

    /** Appends a sampled token; returns why the sequence ends, or null when it goes on. */
    private FinishReason accept(Sequence s, int token, long nowNanos, EngineObserver obs) {
        if (s.isStopToken(token)) {
            return FinishReason.STOP;
        }
        s.append(token);
        long previous = s.tokenAt(nowNanos);
        if (previous == 0) {
            obs.firstToken(s.requestClass(), nowNanos - s.submittedNanos());
        } else {
            obs.nextToken(s.requestClass(), nowNanos - previous);
        }
        StreamingDecoder.Delta delta = s.decoder().accept(token);
        s.delivery().token(token, delta.text(), s.generated() - 1);
        if (delta.stopped()) {
            return FinishReason.STOP;
        }
        return s.generated() >= s.maxTokens() ? FinishReason.LENGTH : null;
    }

    private void finish(Sequence s, FinishReason reason) {
        release(s);
        finished.add(s);
        long now = System.nanoTime();
        String heldBack = s.decoder().finish();
        GenerationResult result = new GenerationResult(s.requestId(), s.decoder().text(), s.generatedTokens(), reason,
                s.promptLength(), s.generated(), (s.admittedNanos() - s.submittedNanos()) / 1_000_000, s.loadKind(),
                s.loadNanos() / 1_000_000, (now - s.admittedNanos()) / 1_000_000, s.engineNanos());
        stats.completed.increment();
        log.debug("finished request={} adapter={} reason={} tokens={}", s.requestId(), s.adapterKey(), reason, s.generated());
        s.delivery().finish(heldBack, result);
    }

    private void release(Sequence s) {
        if (s.kvSeq() >= 0) {
            kv.release(s.kvSeq());
        }
        if (s.adapterSlot() >= 0) {
            adapters.release(s.adapterSlot());
        }
        s.releaseResources();
    }

    private void failBrokenAdapters() {
        for (String key : adapters.failedAdapters()) {
            RuntimeException cause = adapters.takeFailure(key);
            for (WaitingQueues q : waiting) {
                Sequence s;
                while ((s = q.poll(key)) != null) {
                    waitingById.remove(s.requestId());
                    places.giveBack(s);
                    stats.failed.increment();
                    gaugesStale = true;
                    s.delivery().fail(new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED,
                            "adapter '" + key + "' failed to load: " + cause.getMessage(), cause));
                }
            }
        }
    }

    private void cancelRequest(String requestId) {
        for (Sequence s : running) {
            if (s.requestId().equals(requestId)) {
                running.remove(s);
                completeCancelled(s);
                return;
            }
        }
        Sequence w = waitingById.remove(requestId);
        if (w != null) {
            queuesOf(w).remove(w);
            completeCancelled(w);
        }
    }

    private void completeCancelled(Sequence s) {
        release(s);
        places.giveBack(s);
        stats.cancelled.increment();
        // Text held back in the decoder is dropped, as in the result's text.
        s.delivery().finish("", new GenerationResult(s.requestId(), s.decoder().text(), s.generatedTokens(),
                FinishReason.CANCELLED, s.promptLength(), s.generated(), 0, s.loadKind(), 0, 0, s.engineNanos()));
    }

    private void cancelAll() {
        for (Sequence s : running) {
            completeCancelled(s);
        }
        running.clear();
        for (WaitingQueues q : waiting) {
            for (String key : List.copyOf(q.adapterKeys())) {
                Sequence s;
                while ((s = q.poll(key)) != null) {
                    waitingById.remove(s.requestId());
                    completeCancelled(s);
                }
            }
        }
        Object item;
        while ((item = inbox.poll()) != null) {
            if (item instanceof Sequence s) {
                completeCancelled(s);
            }
        }
    }

    private void failAll(Throwable t) {
        for (Sequence s : running) {
            s.delivery().fail(t);
        }
        running.clear();
    }

    /** Publishes the gauges when something changed (the per-adapter maps are copies, so not every step). */
    private void publishGauges() {
        if (!gaugesStale) {
            return;
        }
        gaugesStale = false;
        Map<String, Integer> depths = waiting[0].depths();
        waiting[1].depths().forEach((k, n) -> depths.merge(k, n, Integer::sum));
        Map<String, Integer> runningByAdapter = new HashMap<>();
        for (int i = 0; i < running.size(); i++) {
            runningByAdapter.merge(running.get(i).adapterKey(), 1, Integer::sum);
        }
        stats.running = running.size();
        stats.waiting = waitingCount();
        stats.runningInteractive = runningOf(RequestClass.INTERACTIVE);
        stats.waitingInteractive = queues(RequestClass.INTERACTIVE).size();
        stats.queueDepths = depths;
        stats.runningByAdapter = runningByAdapter;
    }

    /** The model id reported with results. */
    public String modelId() {
        return modelId;
    }
}
