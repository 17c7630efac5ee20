package dev.loraq.engine.cache;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.TestModels;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.backend.EveryBackend;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.lora.AdapterLoadException;
import dev.loraq.engine.lora.LocalFolderAdapterSource;
import dev.loraq.engine.lora.PackedBufferPool;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EveryBackend
class AdapterCacheTest {

    /** Ranks 4, 8, 16, 4, 8, 16: two of each size, so evicted buffers fit later loads. */
    private static final List<String> OTHERS = List.of("a-01", "a-02", "a-03", "a-04", "a-05");

    private final ComputeBackendProvider provider;
    private LlamaModel model;
    private ComputeBackend backend;
    private PackedBufferPool buffers;
    private AdapterCache cache;

    AdapterCacheTest(ComputeBackendProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void open() {
        model = LlamaModel.load(TestModels.tinyModel());
        backend = provider.open(model, new BackendOptions(2, 16, 64, 16, 32, WeightFormat.BF16, 1));
        buffers = new PackedBufferPool(16);
        cache = new AdapterCache(new LocalFolderAdapterSource(TestModels.adaptersDir()), backend, 3, 16, buffers);
    }

    @AfterEach
    void close() {
        cache.close();
        backend.close();
        model.close();
    }

    private void loadIntoHost(String id) throws InterruptedException {
        cache.load(id);
        for (int i = 0; i < 500 && cache.residency(id) == AdapterCache.Residency.LOADING; i++) {
            Thread.sleep(10);
            cache.collectLoads();
        }
    }

    @Test
    void shouldCountDiskLoadThenWarmHit() {
        AdapterCache.Lease first = cache.acquireBlocking("a-00");
        assertEquals(AdapterLoadKind.DISK, first.kind());
        cache.release(first.slot());
        AdapterCache.Lease second = cache.tryAcquire("a-00");
        assertEquals(AdapterLoadKind.WARM, second.kind());
        assertEquals(first.slot(), second.slot());
        assertEquals(1, cache.stats().warmHits());
        assertEquals(1, cache.stats().diskLoads());
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedIdleAdapter() {
        cache.release(cache.acquireBlocking("a-00").slot());
        cache.release(cache.acquireBlocking("a-01").slot());
        cache.release(cache.tryAcquire("a-00").slot()); // a-00 is now the most recently used
        cache.release(cache.acquireBlocking("a-02").slot());
        List<String> slots = Arrays.asList(cache.slotContents());
        assertTrue(slots.contains("a-00") && slots.contains("a-02"), slots.toString());
        assertEquals(1, cache.stats().evictions());
        assertEquals(AdapterCache.Residency.HOST, cache.residency("a-01"), "evicted from its slot, kept in host memory");
    }

    @Test
    void shouldNeverEvictAnAdapterWithRunningSequences() throws InterruptedException {
        AdapterCache.Lease a = cache.acquireBlocking("a-00");
        AdapterCache.Lease b = cache.acquireBlocking("a-01");
        loadIntoHost("a-02");
        assertEquals(AdapterCache.Residency.HOST, cache.residency("a-02"));
        assertNull(cache.tryAcquire("a-02"), "both slots are in use");
        assertTrue(!cache.hasAvailableSlot());
        cache.release(b.slot());
        AdapterCache.Lease c = cache.tryAcquire("a-02");
        assertNotNull(c);
        assertEquals(b.slot(), c.slot());
        assertEquals(AdapterLoadKind.HOST, c.kind());
        assertEquals("a-00", cache.slotContents()[a.slot()]);
    }

    @Test
    void shouldKeepAPinnedAdapterInItsSlot() {
        AdapterCache.Lease a = cache.acquireBlocking("a-00");
        cache.release(a.slot());
        assertTrue(cache.pin("a-00", true));
        cache.release(cache.acquireBlocking("a-01").slot());
        cache.release(cache.acquireBlocking("a-02").slot());
        assertEquals("a-00", cache.slotContents()[a.slot()], "pinned adapter survives two newer loads");
    }

    @Test
    void shouldBoundTheHostTier() throws InterruptedException {
        for (String id : List.of("a-00", "a-01", "a-02", "a-03", "a-04")) {
            loadIntoHost(id);
        }
        assertTrue(cache.hostSize() <= 3, "host tier holds at most max.cpu.loras adapters, has " + cache.hostSize());
        assertTrue(cache.stats().hostEvictions() >= 2);
    }

    @Test
    void shouldReportAFailedLoadOnceAndRetryLater() throws InterruptedException {
        loadIntoHost("big-rank");
        assertEquals(List.of("big-rank"), cache.failedAdapters());
        RuntimeException failure = cache.takeFailure("big-rank");
        AdapterLoadException e = assertInstanceOf(AdapterLoadException.class, failure);
        assertEquals(AdapterLoadException.Code.RANK_ABOVE_LIMIT, e.code());
        assertTrue(e.getMessage().contains("max.lora.rank 16"), e.getMessage());
        assertTrue(cache.failedAdapters().isEmpty());
        assertEquals(AdapterCache.Residency.ABSENT, cache.residency("big-rank"), "a later request tries the source again");
    }

    @Test
    void invalidateDropsTheIdleSlotAndHostCopySoTheNextAcquireReadsTheSourceAgain() {
        cache.release(cache.acquireBlocking("a-00").slot());
        cache.invalidate("a-00");
        assertEquals(AdapterCache.Residency.SLOT, cache.residency("a-00"), "applied on the scheduler thread only");
        cache.collectLoads();
        assertEquals(AdapterCache.Residency.ABSENT, cache.residency("a-00"));
        assertEquals(Arrays.asList(null, null), Arrays.asList(cache.slotContents()));
        AdapterCache.Lease again = cache.acquireBlocking("a-00");
        assertEquals(AdapterLoadKind.DISK, again.kind());
        assertEquals(2, cache.stats().diskLoads());
    }

    @Test
    void invalidateKeepsAUsedSlotForItsSequencesAndServesNewRequestsFromAnotherSlot() {
        AdapterCache.Lease running = cache.acquireBlocking("a-00");
        cache.invalidate("a-00");
        cache.collectLoads();
        assertEquals(AdapterCache.Residency.ABSENT, cache.residency("a-00"), "the old slot takes no new requests");
        assertEquals("a-00", cache.slotContents()[running.slot()], "running sequences keep their weights");
        AdapterCache.Lease fresh = cache.acquireBlocking("a-00");
        assertEquals(AdapterLoadKind.DISK, fresh.kind());
        assertTrue(fresh.slot() != running.slot(), "new weights in another slot");
        cache.release(running.slot());
        assertNull(cache.slotContents()[running.slot()], "the stale slot is cleared when its last sequence leaves");
        cache.release(fresh.slot());
        assertEquals(AdapterLoadKind.WARM, cache.tryAcquire("a-00").kind());
    }

    @Test
    void aLoadInFlightWhenInvalidatedIsDiscardedAndReadAgain() throws InterruptedException {
        cache.load("a-01");
        cache.invalidate("a-01");
        cache.collectLoads();
        for (int i = 0; i < 500 && cache.residency("a-01") == AdapterCache.Residency.LOADING; i++) {
            Thread.sleep(10);
            cache.collectLoads();
        }
        assertEquals(AdapterCache.Residency.ABSENT, cache.residency("a-01"), "the stale outcome never reaches the host tier");
        loadIntoHost("a-01");
        assertEquals(AdapterCache.Residency.HOST, cache.residency("a-01"));
    }

    // Loads fill the packed arrays of adapters gone from the host tier; an adapter still installed in a slot (live or
    // stale) must compute exactly as before however many loads recycle buffers around it.

    @Test
    void aRecycledBufferNeverChangesTheWeightsOfAnAdapterStillInstalled() throws InterruptedException {
        AdapterCache.Lease running = cache.acquireBlocking("a-00");
        float[] before = logits(running.slot());
        assertFalse(Arrays.equals(logits(-1), before), "the adapter changes the logits, so a change of it shows");
        churn();
        assertTrue(buffers.reused() > 0, "loads filled recycled buffers");
        assertArrayEquals(before, logits(running.slot()));
    }

    @Test
    void anInvalidatedAdapterKeepsItsBufferWhileItsSequencesRunAndGivesItUpAfter() throws InterruptedException {
        AdapterCache.Lease running = cache.acquireBlocking("a-00");
        float[] before = logits(running.slot());
        cache.invalidate("a-00");
        cache.collectLoads();
        assertEquals(0, buffers.size(), "out of the host tier but still in its (stale) slot: not recycled");
        churn();
        assertArrayEquals(before, logits(running.slot()));
        int kept = buffers.size();
        cache.release(running.slot());
        assertEquals(kept + 1, buffers.size(), "recycled once its last sequence left");
    }

    @Test
    void anAdapterEvictedFromItsSlotButStillInTheHostTierKeepsItsBuffer() {
        cache.release(cache.acquireBlocking("a-00").slot());
        cache.release(cache.acquireBlocking("a-01").slot());
        cache.release(cache.acquireBlocking("a-02").slot()); // takes a-00's slot; a-00 stays in host memory
        assertEquals(AdapterCache.Residency.HOST, cache.residency("a-00"));
        assertEquals(0, buffers.size());
        AdapterCache.Lease again = cache.tryAcquire("a-00");
        float[] served = logits(again.slot());
        cache.release(again.slot());
        cache.invalidate("a-00");
        cache.collectLoads();
        assertArrayEquals(served, logits(cache.acquireBlocking("a-00").slot()), "read again, same weights");
    }

    /** Every other adapter through the second slot and the host tier, twice, half of them by the loader thread. */
    private void churn() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            for (String id : OTHERS) {
                if (round == 1) {
                    loadIntoHost(id);
                }
                cache.release(cache.acquireBlocking(id).slot());
            }
        }
    }

    /** The logits of one token at position 0 through a slot (-1 = the base model). */
    private float[] logits(int slot) {
        KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
        StepBatch batch = new StepBatch(kv, 1, backend.config().vocabSize());
        int seq = kv.open();
        kv.reserve(seq, 1);
        batch.addRow(seq, 0, 5, slot, true);
        backend.step(batch);
        float[] out = batch.logitsRow(0);
        kv.release(seq);
        return out;
    }
}
