package dev.loraq.engine.bench;

import java.util.Arrays;

import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.kv.KvBlockAllocator;

/**
 * Greedy decode of a set of sequences in lock step on one backend: every step feeds one token per sequence
 * (row i uses adapter slot slots[i], -1 = base) and picks the argmax. Shared by the scenarios; loops on one
 * backend share its one allocator.
 */
final class DecodeLoop {
    private final ComputeBackend backend;
    private final KvBlockAllocator cache;
    private final int[] slots;
    private final int[] kv;
    private final int[] next;
    private final StepBatch batch;
    private int position;

    DecodeLoop(ComputeBackend backend, KvBlockAllocator cache, int[] slots, int firstToken) {
        this.backend = backend;
        this.cache = cache;
        this.slots = slots.clone();
        this.kv = new int[slots.length];
        this.next = new int[slots.length];
        this.batch = new StepBatch(cache, slots.length, backend.config().vocabSize());
        for (int i = 0; i < slots.length; i++) {
            kv[i] = cache.open();
        }
        Arrays.fill(next, firstToken);
    }

    /** Runs {@code steps} steps; returns the seconds each took. */
    double[] run(int steps) {
        double[] seconds = new double[steps];
        int vocab = backend.config().vocabSize();
        for (int s = 0; s < steps; s++) {
            batch.clear();
            for (int i = 0; i < slots.length; i++) {
                if (!cache.reserve(kv[i], position + 1)) {
                    throw new IllegalStateException("KV cache too small for " + slots.length + " sequences at position " + position);
                }
                batch.addRow(kv[i], position, next[i], slots[i], true);
            }
            long t0 = System.nanoTime();
            backend.step(batch);
            seconds[s] = (System.nanoTime() - t0) / 1e9;
            float[] logits = batch.logits();
            for (int i = 0; i < slots.length; i++) {
                int off = batch.logitsOffset(i);
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits[off + v] > logits[off + best]) {
                        best = v;
                    }
                }
                next[i] = best;
            }
            position++;
        }
        return seconds;
    }

    void release() {
        for (int k : kv) {
            cache.release(k);
        }
    }

    static double median(double[] values) {
        double[] c = values.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
