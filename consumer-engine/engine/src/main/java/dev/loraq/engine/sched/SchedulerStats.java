package dev.loraq.engine.sched;

import dev.loraq.engine.generation.RequestClass;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters and gauges of the scheduler loop; read from any thread. */
public final class SchedulerStats {
    final LongAdder steps = new LongAdder();
    final LongAdder rows = new LongAdder();
    final LongAdder sequencesInSteps = new LongAdder();
    final LongAdder adaptersInSteps = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder generatedTokens = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder stepNanos = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    volatile int running;
    volatile int waiting;
    volatile int runningInteractive;
    volatile int waitingInteractive;
    volatile Map<String, Integer> queueDepths = Map.of();
    volatile Map<String, Integer> runningByAdapter = Map.of();

    public long steps() { return steps.sum(); }
    /** Token rows run through the model (prefill and decode). */
    public long rows() { return rows.sum(); }
    public long promptTokens() { return promptTokens.sum(); }
    public long generatedTokens() { return generatedTokens.sum(); }
    public long completed() { return completed.sum(); }
    public long failed() { return failed.sum(); }
    public long cancelled() { return cancelled.sum(); }
    /** Submissions refused because max.waiting.requests were waiting (error code OVERLOADED). */
    public long overloaded() { return overloaded.sum(); }
    public double stepSeconds() { return stepNanos.sum() / 1e9; }
    /** Mean number of sequences per step. */
    public double meanBatchSize() { long s = steps(); return s == 0 ? 0 : (double) sequencesInSteps.sum() / s; }
    /** Mean number of distinct adapters (base counted as one) per step. */
    public double meanAdaptersPerBatch() { long s = steps(); return s == 0 ? 0 : (double) adaptersInSteps.sum() / s; }
    public int running() { return running; }
    public int waiting() { return waiting; }
    /** Running sequences of one request class (read apart from {@link #running()}, so the two may differ briefly). */
    public int running(RequestClass c) { int i = runningInteractive; return c == RequestClass.INTERACTIVE ? i : Math.max(0, running - i); }
    /** Waiting sequences of one request class. */
    public int waiting(RequestClass c) { int i = waitingInteractive; return c == RequestClass.INTERACTIVE ? i : Math.max(0, waiting - i); }
    /** Waiting sequences per adapter key ("" = base model), both classes. */
    public Map<String, Integer> queueDepths() { return queueDepths; }
    /** Running sequences per adapter key ("" = base model), both classes. */
    public Map<String, Integer> runningByAdapter() { return runningByAdapter; }
}
