package dev.loraq.engine.backend;

import dev.loraq.engine.kv.KvCache;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.ModelConfig;

/**
 * Runs forward steps of one base model with up to {@link #adapterSlots()} LoRA adapters resident in compute
 * slots. One thread drives a backend (install, clear, step); implementations parallelize inside a step.
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

    KvCache kvCache();

    /**
     * One forward step over all rows: writes each row's K/V at its position, attends causally over its
     * sequence's positions 0..position, and fills logits for the rows that asked. The caller must have
     * reserved KV room for every row's position.
     */
    void step(StepBatch batch);

    @Override
    void close();
}
