package dev.loraq.engine.cache;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.lora.AdapterFiles;
import dev.loraq.engine.lora.AdapterId;
import dev.loraq.engine.lora.AdapterLoadException;
import dev.loraq.engine.lora.AdapterSource;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.lora.PackedBufferPool;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.observe.EngineObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The two-tier adapter cache: {@code max.loras} compute slots in the backend (LRU, never evicting an adapter
 * with running sequences or a pinned one), backed by {@code max.cpu.loras} adapters in host memory (LRU), backed
 * by the {@link AdapterSource} (disk).
 *
 * <p>Owned by the scheduler thread: every method but {@link #stats()} must be called from it. Disk loads run on
 * a loader thread so a running batch never waits for one; their results are merged on the scheduler thread by
 * {@link #collectLoads()}.
 *
 * <p>{@link #invalidate} (any thread) drops what is held of an adapter whose files changed, at the next
 * {@link #collectLoads()}: its host copy, a load in flight (its outcome is thrown away) and its slot. A slot still used
 * by running sequences keeps the old weights for them and takes no new ones; it is cleared when the last leaves.
 * The next request for the adapter reads it from the source again.
 *
 * <p>Weights gone for good give their packed array to a {@link PackedBufferPool} that later loads fill (a fresh array
 * costs more than the copy into it). Gone for good means: out of the host tier and in no compute slot, stale ones
 * included ({@link #retire}); only host weights are ever installed and steps run on this same thread between calls,
 * so no slot and no step can read such an array again.
 */
public final class AdapterCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdapterCache.class);

    /** Where an adapter is now. */
    public enum Residency { SLOT, HOST, LOADING, ABSENT }

    /** A sequence's hold on a compute slot; give it back with {@link #release(int)}. */
    public record Lease(int slot, AdapterLoadKind kind, long loadNanos) { }

    private record LoadOutcome(String adapterId, LoraWeights weights, RuntimeException failure, long nanos) { }

    private final AdapterSource source;
    private final ComputeBackend backend;
    private final ModelConfig base;
    private final int maxCpuLoras;
    private final int maxLoraRank;

    /** Packed arrays kept for reuse; the loader fills one array at a time, so two cover a load that starts early. */
    private static final int RECYCLED_BUFFERS = 2;

    private final String[] slotAdapter;
    /** The weights each slot was given (stale slots included): what no recycled array may be. */
    private final LoraWeights[] slotWeights;
    private final int[] slotRefs;
    private final long[] slotLastUse;
    private final boolean[] slotPinned;
    private long useClock;

    /** Host tier in access order, eldest first. */
    private final LinkedHashMap<String, LoraWeights> host = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, CompletableFuture<Void>> loading = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<LoadOutcome> finishedLoads = new ConcurrentLinkedQueue<>();
    private final Map<String, RuntimeException> failures = new LinkedHashMap<>();
    /** Loaded into host memory and not yet given a slot: bounds prefetching so it cannot thrash the host tier. */
    private final Set<String> unused = new HashSet<>();
    private final ConcurrentLinkedQueue<String> invalidations = new ConcurrentLinkedQueue<>();
    /** Loads in flight that started before an invalidation: their outcome is stale. */
    private final Set<String> staleLoads = new HashSet<>();
    /** Slots whose adapter was invalidated while sequences used it: served to those only, cleared when free. */
    private final boolean[] slotStale;
    private final PackedBufferPool buffers;
    private final ExecutorService loader;
    private final AdapterCacheStats stats = new AdapterCacheStats();
    private volatile EngineObserver observer = EngineObserver.NONE;

    public AdapterCache(AdapterSource source, ComputeBackend backend, int maxCpuLoras, int maxLoraRank) {
        this(source, backend, maxCpuLoras, maxLoraRank, new PackedBufferPool(RECYCLED_BUFFERS));
    }

    /** @param buffers where retired weights' arrays go and loads take them from ({@link PackedBufferPool#none()}: off) */
    public AdapterCache(AdapterSource source, ComputeBackend backend, int maxCpuLoras, int maxLoraRank,
                        PackedBufferPool buffers) {
        this.source = source;
        this.backend = backend;
        this.base = backend.config();
        int slots = backend.adapterSlots();
        if (maxCpuLoras < slots) {
            throw new IllegalArgumentException("max.cpu.loras (" + maxCpuLoras + ") must be at least max.loras (" + slots + ")");
        }
        this.maxCpuLoras = maxCpuLoras;
        this.maxLoraRank = maxLoraRank;
        this.slotAdapter = new String[slots];
        this.slotWeights = new LoraWeights[slots];
        this.buffers = buffers;
        this.slotRefs = new int[slots];
        this.slotLastUse = new long[slots];
        this.slotPinned = new boolean[slots];
        this.slotStale = new boolean[slots];
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loraq-adapter-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Where load times go (disk reads, installs into a slot); guarded by the caller. */
    public void observe(EngineObserver newObserver) {
        this.observer = newObserver;
    }

    public int slots() {
        return slotAdapter.length;
    }

    public Residency residency(String adapterId) {
        if (slotOf(adapterId) >= 0) {
            return Residency.SLOT;
        }
        if (host.containsKey(adapterId)) {
            return Residency.HOST;
        }
        return loading.containsKey(adapterId) ? Residency.LOADING : Residency.ABSENT;
    }

    /** Disk loads started and not yet collected. */
    public int loadsInFlight() {
        return loading.size();
    }

    /** How many more adapters may be prefetched now: loaded-but-unused plus in-flight loads stay within max.loras. */
    public int prefetchRoom() {
        return Math.max(0, slotAdapter.length - unused.size() - loading.size());
    }

    /** True when a slot is free or holds an adapter no running sequence uses (so it can be taken). */
    public boolean hasAvailableSlot() {
        for (int s = 0; s < slotAdapter.length; s++) {
            if (slotAdapter[s] == null || (slotRefs[s] == 0 && !slotPinned[s])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts reading an adapter from the source into the host tier, unless it is resident or already loading.
     * Used both on demand and to prefetch the adapters the scheduler expects next.
     */
    public void load(String adapterId) {
        if (residency(adapterId) != Residency.ABSENT) {
            return;
        }
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> finishedLoads.add(readFromSource(adapterId)), loader);
        loading.put(adapterId, f);
    }

    private LoadOutcome readFromSource(String adapterId) {
        long start = System.nanoTime();
        try {
            AdapterFiles files = source.locate(AdapterId.of(adapterId));
            if (files.config().rank() > maxLoraRank) {
                throw new AdapterLoadException(AdapterLoadException.Code.RANK_ABOVE_LIMIT, adapterId,
                        "rank " + files.config().rank() + " is above max.lora.rank " + maxLoraRank
                                + " (" + files.directory() + ")");
            }
            LoraWeights w = LoraWeights.load(adapterId, files.config(), files.weightsFile(), base, buffers);
            return new LoadOutcome(adapterId, w, null, System.nanoTime() - start);
        } catch (RuntimeException e) {
            return new LoadOutcome(adapterId, null, e, System.nanoTime() - start);
        }
    }

    /** Moves finished loads into the host tier; failed ones become available through {@link #takeFailure}. */
    public void collectLoads() {
        LoadOutcome o;
        while ((o = finishedLoads.poll()) != null) {
            loading.remove(o.adapterId());
            if (staleLoads.remove(o.adapterId())) {
                log.debug("adapter load discarded adapter={} reason=invalidated while loading", o.adapterId());
                retire(o.weights());
            } else if (o.failure() != null) {
                stats.loadFailures.increment();
                failures.put(o.adapterId(), o.failure());
                log.warn("adapter load failed adapter={} error={}", o.adapterId(), o.failure().getMessage());
            } else {
                recordDiskLoad(o);
                putHost(o.adapterId(), o.weights());
                unused.add(o.adapterId());
                log.debug("adapter loaded adapter={} rank={} ms={}", o.adapterId(), o.weights().rank(), o.nanos() / 1_000_000);
            }
        }
        applyInvalidations();
    }

    /**
     * Forgets what is held of {@code adapterId} (its files changed, or it is no longer served); thread-safe, applied
     * on the scheduler thread by the next {@link #collectLoads()}, so a request submitted after this returns is served
     * from the source as it is then.
     */
    public void invalidate(String adapterId) {
        invalidations.add(adapterId);
    }

    private void applyInvalidations() {
        String id;
        while ((id = invalidations.poll()) != null) {
            LoraWeights dropped = host.remove(id);
            unused.remove(id);
            failures.remove(id);
            if (loading.containsKey(id)) {
                staleLoads.add(id); // stays LOADING until the stale outcome is dropped, then loads afresh
            }
            int slot = slotOf(id);
            if (slot >= 0) {
                slotPinned[slot] = false;
                if (slotRefs[slot] == 0) {
                    clearSlot(slot);
                } else {
                    slotStale[slot] = true;
                }
            }
            retire(dropped);
            log.info("adapter invalidated adapter={} slot={}", id, slot);
        }
    }

    private void clearSlot(int slot) {
        backend.clearAdapter(slot);
        LoraWeights displaced = slotWeights[slot];
        slotAdapter[slot] = null;
        slotWeights[slot] = null;
        slotStale[slot] = false;
        retire(displaced);
    }

    /**
     * Gives the array of weights that left the host tier or a slot to the buffer pool when they are gone for good: in
     * no slot and not in the host tier (identity, since a reloaded adapter has new weights under the same id).
     */
    private void retire(LoraWeights w) {
        if (w == null || w.released()) {
            return;
        }
        for (LoraWeights installed : slotWeights) {
            if (installed == w) {
                return;
            }
        }
        for (LoraWeights held : host.values()) {
            if (held == w) {
                return;
            }
        }
        buffers.give(w.release());
        log.debug("adapter buffer recycled adapter={} bytes={}", w.adapterId(), w.byteSize());
    }

    private void recordDiskLoad(LoadOutcome o) {
        stats.diskLoads.increment();
        stats.diskLoadNanos.add(o.nanos());
        observer.adapterLoaded(o.adapterId(), AdapterLoadKind.DISK, o.nanos());
    }

    /** The error of a failed load, removed so that a later request tries the source again. */
    public RuntimeException takeFailure(String adapterId) {
        return failures.remove(adapterId);
    }

    /** Adapter ids whose load failed and whose failure has not been taken yet. */
    public List<String> failedAdapters() {
        return new ArrayList<>(failures.keySet());
    }

    /**
     * Gives the adapter a compute slot if it is resident in a slot or in host memory and a slot can be had.
     *
     * @return the lease, or null when the adapter is not in host memory yet or every slot is busy
     */
    public Lease tryAcquire(String adapterId) {
        int slot = slotOf(adapterId);
        if (slot >= 0) {
            slotRefs[slot]++;
            slotLastUse[slot] = ++useClock;
            stats.warmHits.increment();
            return new Lease(slot, AdapterLoadKind.WARM, 0);
        }
        LoraWeights w = host.get(adapterId);
        if (w == null) {
            return null;
        }
        slot = victimSlot();
        if (slot < 0) {
            return null;
        }
        if (slotAdapter[slot] != null) {
            log.debug("adapter evicted from slot adapter={} slot={}", slotAdapter[slot], slot);
            stats.evictions.increment();
            clearSlot(slot);
        }
        long start = System.nanoTime();
        backend.installAdapter(slot, w);
        slotWeights[slot] = w;
        unused.remove(adapterId);
        long nanos = System.nanoTime() - start;
        slotAdapter[slot] = adapterId;
        slotRefs[slot] = 1;
        slotLastUse[slot] = ++useClock;
        stats.hostHits.increment();
        stats.installNanos.add(nanos);
        observer.adapterLoaded(adapterId, AdapterLoadKind.HOST, nanos);
        return new Lease(slot, AdapterLoadKind.HOST, nanos);
    }

    /** Loads an adapter from the source and installs it now, on the calling thread (tools and benchmarks). */
    public Lease acquireBlocking(String adapterId) {
        Lease lease = tryAcquire(adapterId);
        if (lease != null) {
            return lease;
        }
        if (!host.containsKey(adapterId)) {
            long start = System.nanoTime();
            LoadOutcome o = readFromSource(adapterId);
            if (o.failure() != null) {
                throw o.failure();
            }
            recordDiskLoad(o);
            putHost(adapterId, o.weights());
            lease = tryAcquire(adapterId);
            if (lease != null) {
                return new Lease(lease.slot(), AdapterLoadKind.DISK, System.nanoTime() - start);
            }
            return null;
        }
        return tryAcquire(adapterId);
    }

    /** Gives a slot back when a sequence using it finishes. */
    public void release(int slot) {
        if (slotRefs[slot] <= 0) {
            throw new IllegalStateException("slot " + slot + " released more often than acquired");
        }
        slotRefs[slot]--;
        if (slotRefs[slot] == 0 && slotStale[slot]) {
            clearSlot(slot);
        }
    }

    /** Keeps an adapter in its slot even when idle (call after it has a slot). */
    public boolean pin(String adapterId, boolean pinned) {
        int slot = slotOf(adapterId);
        if (slot < 0) {
            return false;
        }
        slotPinned[slot] = pinned;
        return true;
    }

    public AdapterCacheStats stats() {
        return stats;
    }

    /** Adapters now in compute slots (null for free slots), for metrics and tests. */
    public String[] slotContents() {
        return slotAdapter.clone();
    }

    public int hostSize() {
        return host.size();
    }

    /**
     * Adds to the host tier and evicts the least recently used adapters beyond max.cpu.loras, never the one just
     * added nor one in a compute slot (when every other entry is in a slot, the tier runs over until one leaves).
     */
    private void putHost(String adapterId, LoraWeights w) {
        host.put(adapterId, w);
        Iterator<Map.Entry<String, LoraWeights>> it = host.entrySet().iterator();
        while (host.size() > maxCpuLoras && it.hasNext()) {
            Map.Entry<String, LoraWeights> entry = it.next();
            String candidate = entry.getKey();
            if (!candidate.equals(adapterId) && slotOf(candidate) < 0) {
                LoraWeights evicted = entry.getValue(); // not host.get: that would reorder the LRU mid-iteration
                it.remove();
                unused.remove(candidate);
                stats.hostEvictions.increment();
                retire(evicted);
            }
        }
    }

    private int slotOf(String adapterId) {
        for (int s = 0; s < slotAdapter.length; s++) {
            if (!slotStale[s] && adapterId.equals(slotAdapter[s])) {
                return s;
            }
        }
        return -1;
    }

    private int victimSlot() {
        int victim = -1;
        for (int s = 0; s < slotAdapter.length; s++) {
            if (slotAdapter[s] == null) {
                return s;
            }
            if (slotRefs[s] == 0 && !slotPinned[s] && (victim < 0 || slotLastUse[s] < slotLastUse[victim])) {
                victim = s;
            }
        }
        return victim;
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
