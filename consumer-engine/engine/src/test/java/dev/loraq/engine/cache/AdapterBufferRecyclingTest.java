package dev.loraq.engine.cache;

import dev.loraq.engine.TestModels;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.backend.EveryBackend;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.kv.KvBlockAllocator;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads fill the packed arrays of adapters gone from the host tier; an adapter still installed in a slot (live or
 * stale) must compute exactly as before however many loads recycle buffers around it.
 */
@EveryBackend
class AdapterBufferRecyclingTest {

    /** Ranks 4, 8, 16, 4, 8, 16: two of each size, so evicted buffers fit later loads. */
    private static final List<String> OTHERS = List.of("a-01", "a-02", "a-03", "a-04", "a-05");

    private final ComputeBackendProvider provider;
    private LlamaModel model;
    private ComputeBackend backend;
    private PackedBufferPool buffers;
    private AdapterCache cache;

    AdapterBufferRecyclingTest(ComputeBackendProvider provider) {
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

    private void loadIntoHost(String id) throws InterruptedException {
        cache.load(id);
        for (int i = 0; i < 500 && cache.residency(id) == AdapterCache.Residency.LOADING; i++) {
            Thread.sleep(10);
            cache.collectLoads();
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
