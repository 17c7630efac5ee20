package dev.loraq.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of compute threads that run one job split into parts: the caller runs part 0 itself and
 * the workers parts 1..n-1. Workers spin briefly between jobs (a decode step dispatches a few hundred
 * jobs, and parking each time would cost more than the work), then park. Dispatch does not allocate.
 * Only one thread may call {@link #run} at a time.
 */
public final class ComputePool implements AutoCloseable {
    /** A job split into parts; part p of parts runs on one thread. */
    @FunctionalInterface
    public interface Job {
        void run(int part, int parts);
    }

    private static final long SPIN_NANOS = 200_000;

    private final int parts;
    private final Thread[] workers;
    private final boolean[] waiting;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Job job;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    private final Object waitingLock = new Object();

    /** @param threads total threads including the caller (1 = run everything on the caller) */
    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.parts = threads;
        this.workers = new Thread[threads - 1];
        this.waiting = new boolean[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            int part = w + 1;
            Thread t = Thread.ofPlatform().daemon().name("loraq-compute-" + part).unstarted(() -> workLoop(part));
            workers[w] = t;
            t.start();
        }
    }

    /** Threads taking part in each job, the caller included. */
    public int threads() {
        return parts;
    }

    /** Runs the job on all threads and returns when every part is done; rethrows a part's failure. */
    public void run(Job j) {
        if (parts == 1) {
            j.run(0, 1);
            return;
        }
        failure = null;
        job = j;
        remaining.set(parts - 1);
        generation = generation + 1;
        synchronized (waitingLock) {
            for (int w = 0; w < workers.length; w++) {
                if (waiting[w]) {
                    LockSupport.unpark(workers[w]);
                }
            }
        }
        try {
            j.run(0, parts);
        } finally {
            while (remaining.get() != 0) {
                Thread.onSpinWait();
            }
            job = null;
        }
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    private void workLoop(int part) {
        long seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    synchronized (waitingLock) {
                        waiting[part - 1] = true;
                    }
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    synchronized (waitingLock) {
                        waiting[part - 1] = false;
                    }
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                job.run(part, parts);
            } catch (Throwable t) {
                failure = t;
            } finally {
                remaining.decrementAndGet();
            }
        }
    }

    /** Splits [0, total) into {@code parts} ranges aligned to {@code align}; returns the start of range p. */
    public static int split(int total, int parts, int part, int align) {
        if (part >= parts) {
            return total;
        }
        int units = (total + align - 1) / align;
        int start = (int) ((long) units * part / parts) * align;
        return Math.min(start, total);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
