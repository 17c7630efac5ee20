package dev.loraq.engine;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.observe.EngineObserver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** An observer that keeps the order of admissions and counts the other events, for tests. */
final class AdmissionLog implements EngineObserver {

    final List<String> admitted = new CopyOnWriteArrayList<>();
    final List<AdapterLoadKind> tiers = new CopyOnWriteArrayList<>();
    final List<AdapterLoadKind> loads = new CopyOnWriteArrayList<>();
    final AtomicLong firstTokens = new AtomicLong();
    final AtomicLong nextTokens = new AtomicLong();
    final AtomicLong interactiveTokens = new AtomicLong();
    volatile long minQueueNanos = Long.MAX_VALUE;
    volatile long minTtftNanos = Long.MAX_VALUE;
    private volatile int holdAt = -1;
    private volatile CountDownLatch gate = new CountDownLatch(1);
    private volatile CountDownLatch heldOn;

    @Override
    public void admitted(String requestId, RequestClass requestClass, String adapterId, AdapterLoadKind tier, long queueNanos) {
        admitted.add(requestId);
        tiers.add(tier);
        minQueueNanos = Math.min(minQueueNanos, queueNanos);
        if (admitted.size() == holdAt) {
            // Holds the scheduler thread (observers run on it) until the test has queued what it wants ordered.
            CountDownLatch g = gate;
            heldOn = g;
            try {
                g.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Makes the scheduler wait, right after the {@code n}-th admission, until {@link #release()}. */
    void holdAfterAdmitting(int n) {
        gate = new CountDownLatch(1);
        holdAt = n;
    }

    /** Waits until the scheduler is held at the hold last set. */
    void awaitHeld() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (heldOn != gate) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the scheduler never reached admission " + holdAt + ": " + admitted);
            }
            Thread.sleep(1);
        }
    }

    /** Lets the held scheduler go on. */
    void release() {
        CountDownLatch g = heldOn;
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public void firstToken(RequestClass requestClass, long sinceSubmitNanos) {
        firstTokens.incrementAndGet();
        count(requestClass);
        minTtftNanos = Math.min(minTtftNanos, sinceSubmitNanos);
    }

    @Override
    public void nextToken(RequestClass requestClass, long sincePreviousNanos) {
        nextTokens.incrementAndGet();
        count(requestClass);
    }

    private void count(RequestClass requestClass) {
        if (requestClass == RequestClass.INTERACTIVE) {
            interactiveTokens.incrementAndGet();
        }
    }

    @Override
    public void adapterLoaded(String adapterId, AdapterLoadKind tier, long nanos) {
        loads.add(tier);
    }

    /** Waits until {@code n} requests were admitted. */
    void awaitAdmitted(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (admitted.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + admitted.size() + " of " + n + " requests admitted: " + admitted);
            }
            Thread.sleep(1);
        }
    }
}
