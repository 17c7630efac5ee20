package dev.loraq.ops.pipelinebench;

import dev.loraq.engine.Engine;
import dev.loraq.engine.sched.SchedulerStats;

/**
 * Samples an engine during a leg, every {@value #PERIOD_MS} ms on a thread of its own: how often it was starved of
 * input (nothing waiting and fewer than max.num.seqs running), and how many requests waited on average. A pipeline
 * leg that is slower than the engine alone while rarely starved is slowed by sharing the cores, not by feeding.
 */
final class InputWatch {
    private static final long PERIOD_MS = 5;

    /** What the samples showed. */
    record Input(double starvedShare, double meanWaiting) {
    }

    private final Thread thread;
    private volatile boolean stop;
    private long samples;
    private long starved;
    private long waitingSum;

    private InputWatch(Engine engine, int maxNumSeqs) {
        thread = Thread.ofPlatform().daemon().name("bench-input-watch").start(() -> {
            while (!stop) {
                SchedulerStats s = engine.stats().scheduler();
                int waiting = s.waiting();
                samples++;
                waitingSum += waiting;
                if (waiting == 0 && s.running() < maxNumSeqs) {
                    starved++;
                }
                try {
                    Thread.sleep(PERIOD_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    static InputWatch start(Engine engine, int maxNumSeqs) {
        return new InputWatch(engine, maxNumSeqs);
    }

    Input stop() throws InterruptedException {
        stop = true;
        thread.join();
        return samples == 0 ? new Input(0, 0) : new Input((double) starved / samples, (double) waitingSum / samples);
    }
}
