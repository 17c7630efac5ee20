package dev.loraq.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of compute threads that run one job split into parts. The parts (a few per thread) are
 * handed out through an atomic counter, so the caller, which takes parts too, finishes the work of a
 * worker the OS has descheduled instead of waiting for it. Workers spin briefly between jobs (a decode step
 * dispatches a few hundred jobs; parking each time would cost more than the work), then park. Dispatch does
 * not allocate. Only one thread may call {@link #run} at a time.
 */
public final class ComputePool implements AutoCloseable {
    /** A job split into parts; {@code thread} (0 = the caller) indexes per-thread scratch. */
    @FunctionalInterface
    public interface Job {
        void run(int part, int parts, int thread);
    }

    private static final long SPIN_NANOS = 200_000;
    private static final int SPINS_BEFORE_YIELD = 100;
    private static final int PARTS_PER_THREAD = 4;

    private final int threads;
    private final Thread[] workers;
    private final boolean[] waiting;
    private final Object waitingLock = new Object();
    // Generation in the high 32 bits, next part in the low 32: a part is taken by a CAS, which can only
    // succeed while that generation's job is still in progress, so a late worker never runs a stale job.
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger donePart = new AtomicInteger();
    private volatile Job job;
    private volatile int jobParts;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** @param threads total threads including the caller (1 = run everything on the caller) */
    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.waiting = new boolean[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            int index = w + 1;
            Thread t = Thread.ofPlatform().daemon().name("loraq-compute-" + index).unstarted(() -> workLoop(index));
            workers[w] = t;
            t.start();
        }
    }

    /** Threads taking part in each job, the caller included. */
    public int threads() {
        return threads;
    }

    /** Runs the job in {@code threads * 4} parts (1 part with one thread) and returns when all are done. */
    public void run(Job j) {
        run(j, threads == 1 ? 1 : threads * PARTS_PER_THREAD);
    }

    /** Runs the job in {@code parts} parts; rethrows the first failure. */
    public void run(Job j, int parts) {
        if (threads == 1) {
            for (int p = 0; p < parts; p++) {
                j.run(p, parts, 0);
            }
            return;
        }
        failure = null;
        donePart.set(0);
        job = j;
        jobParts = parts;
        long gen = generation + 1;
        ticket.set(gen << 32);
        generation = gen;
        synchronized (waitingLock) {
            for (int w = 0; w < workers.length; w++) {
                if (waiting[w]) {
                    LockSupport.unpark(workers[w]);
                }
            }
        }
        work(gen, 0);
        int spins = 0;
        while (donePart.get() != parts) {
            spins = pause(spins);
        }
        job = null;
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

    /** Takes and runs parts of generation {@code gen} until none is left. */
    private void work(long gen, int thread) {
        while (true) {
            long t = ticket.get();
            if ((t >>> 32) != gen) {
                return;
            }
            Job j = job;
            int parts = jobParts;
            int p = (int) t;
            if (p >= parts) {
                return;
            }
            if (!ticket.compareAndSet(t, t + 1)) {
                continue;
            }
            try {
                j.run(p, parts, thread);
            } catch (Throwable e) {
                failure = e;
            } finally {
                donePart.incrementAndGet();
            }
        }
    }

    private void workLoop(int index) {
        long seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            int spins = 0;
            while (generation == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    spins = pause(spins);
                } else {
                    synchronized (waitingLock) {
                        waiting[index - 1] = true;
                    }
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    synchronized (waitingLock) {
                        waiting[index - 1] = false;
                    }
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            work(seen, index);
        }
    }

    /**
     * One turn of a busy wait: a spin hint for the first turns, then a yield. When the cores are shared (the Kafka
     * clients and broker beside the engine, other processes), the part being waited for may belong to a descheduled
     * thread: spinning would hold the core it needs for a whole time slice, yielding hands it over. With idle cores
     * a yield returns at once, so the wait stays short.
     */
    private static int pause(int spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
            return spins + 1;
        }
        Thread.yield();
        return spins;
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
