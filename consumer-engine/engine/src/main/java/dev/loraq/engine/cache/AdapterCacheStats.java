package dev.loraq.engine.cache;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the adapter cache; read from any thread. */
public final class AdapterCacheStats {
    final LongAdder warmHits = new LongAdder();
    final LongAdder hostHits = new LongAdder();
    final LongAdder diskLoads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder hostEvictions = new LongAdder();
    final LongAdder diskLoadNanos = new LongAdder();
    final LongAdder installNanos = new LongAdder();

    /** Acquisitions served by an adapter already in a compute slot. */
    public long warmHits() { return warmHits.sum(); }

    /** Acquisitions that copied an adapter from host memory into a slot. */
    public long hostHits() { return hostHits.sum(); }

    /** Adapters read from the adapter source (disk). */
    public long diskLoads() { return diskLoads.sum(); }

    public long loadFailures() { return loadFailures.sum(); }

    /** Adapters taken out of a compute slot to make room. */
    public long evictions() { return evictions.sum(); }

    /** Adapters dropped from host memory to make room. */
    public long hostEvictions() { return hostEvictions.sum(); }

    public double meanDiskLoadMs() {
        long n = diskLoads();
        return n == 0 ? 0 : diskLoadNanos.sum() / 1e6 / n;
    }

    public double meanInstallMs() {
        long n = hostHits();
        return n == 0 ? 0 : installNanos.sum() / 1e6 / n;
    }
}
