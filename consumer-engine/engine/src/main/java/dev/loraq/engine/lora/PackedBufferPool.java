package dev.loraq.engine.lora;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Packed arrays of adapters that are gone for good (evicted from the host tier, invalidated), kept so that the next
 * load fills one instead of a fresh array: a fresh 50 MB float[] costs its zeroing and the first touch of new heap
 * pages, more than the copy out of the file itself. A few buffers at most (one loader fills one array at a time), so
 * the pool holds no more than the slack the heap estimate already counts (max.loras adapters beyond max.cpu.loras).
 *
 * <p>Thread-safe: the scheduler thread gives, the loader thread takes. Whoever gives a buffer hands over its only
 * live reference: no compute slot, host entry or {@link LoraWeights} may still read it ({@link LoraWeights#release}
 * detaches it from its weights), so the loader that takes it owns it alone.
 */
public final class PackedBufferPool {

    /** A buffer is reused for a need of at least this share of its length, so a small adapter does not pin a big one. */
    private static final double MIN_FILL = 0.8;

    private final int capacity;
    private final ArrayDeque<float[]> buffers;
    private long reused;

    /** @param capacity the most buffers kept; 0 keeps none (every load allocates) */
    public PackedBufferPool(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.buffers = new ArrayDeque<>(Math.max(1, capacity));
    }

    /** A pool that keeps nothing: every load allocates a fresh array. */
    public static PackedBufferPool none() {
        return new PackedBufferPool(0);
    }

    /** The smallest kept buffer that holds {@code length} floats without wasting more than a fifth, or null. */
    public synchronized float[] take(int length) {
        float[] best = null;
        for (float[] b : buffers) {
            if (b.length >= length && length >= MIN_FILL * b.length && (best == null || b.length < best.length)) {
                best = b;
            }
        }
        if (best != null) {
            removeIdentical(best);
            reused++;
        }
        return best;
    }

    /** Keeps a buffer no one references any more; beyond the capacity the oldest kept one is dropped. */
    public synchronized void give(float[] buffer) {
        if (capacity == 0) {
            return;
        }
        for (float[] b : buffers) {
            if (b == buffer) {
                throw new IllegalStateException("buffer given to the pool twice");
            }
        }
        if (buffers.size() == capacity) {
            buffers.pollFirst();
        }
        buffers.addLast(buffer);
    }

    /** Buffers handed out by {@link #take} so far. */
    public synchronized long reused() {
        return reused;
    }

    /** Buffers kept now. */
    public synchronized int size() {
        return buffers.size();
    }

    private void removeIdentical(float[] buffer) {
        Iterator<float[]> it = buffers.iterator();
        while (it.hasNext()) {
            if (it.next() == buffer) {
                it.remove();
                return;
            }
        }
    }
}
