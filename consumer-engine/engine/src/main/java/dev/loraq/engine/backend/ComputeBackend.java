package dev.loraq.engine.backend;

import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.ModelConfig;

/**
 * Runs forward steps of one base model with up to {@link #adapterSlots()} LoRA adapters resident in compute
 * slots. One thread drives a backend (install, clear, step); implementations parallelize inside a step.
 *
 * <p>A backend owns its memory: the base weights prepared in its own layout, the adapters in their slots, and the
 * KV storage of {@link #kvBlocks()} blocks of {@link #kvBlockSize()} tokens. Which block holds which sequence's
 * tokens it does not decide: a {@link dev.loraq.engine.kv.KvBlockAllocator} of the same sizes does, and each
 * {@link StepBatch} row brings its block table and slot.
 */
public interface ComputeBackend extends AutoCloseable {
    ModelConfig config();

    /** Adapter compute slots (max.loras). */
    int adapterSlots();

    int maxLoraRank();

    /** Most rows one {@link StepBatch} may carry. */
    int maxBatchRows();

    /**
     * Makes an adapter usable from a slot, replacing what was there (the CPU backend references its packed weights;
     * a GPU backend copies them to device memory). The weights must not change afterwards.
     *
     * @throws dev.loraq.engine.lora.AdapterLoadException RANK_ABOVE_LIMIT when its rank exceeds
     *         {@link #maxLoraRank()}, SHAPE_MISMATCH when it was loaded for another model shape
     */
    void installAdapter(int slot, LoraWeights weights);

    void clearAdapter(int slot);

    /** The adapter id installed in a slot, or null. */
    String installedAdapter(int slot);

    /** KV blocks the backend's storage holds: the budget of the allocator that hands them out. */
    int kvBlocks();

    /** Tokens per KV block of the backend's storage. */
    int kvBlockSize();

    /**
     * One forward step over all rows: writes each row's K/V at its slot, attends causally over its
     * sequence's positions 0..position through its block table, and fills logits for the rows that asked.
     *
     * @throws IllegalStateException when a row's position has no reserved KV slot
     * @throws IllegalArgumentException when a row names an empty adapter slot, a position beyond the context, or
     *         the batch's allocator does not fit this backend's KV storage
     */
    void step(StepBatch batch);

    @Override
    void close();
}
