package dev.loraq.engine.backend;

import dev.loraq.engine.model.WeightFormat;

/**
 * What the engine asks of a compute backend when it opens one.
 *
 * @param adapterSlots LoRA compute slots (max.loras)
 * @param maxLoraRank largest adapter rank a slot accepts
 * @param kvBlocks KV cache blocks (the memory budget)
 * @param kvBlockSize tokens per KV block
 * @param maxBatchRows most rows per step (prefill chunk tokens plus decodes)
 * @param weightFormat how the backend holds the base weights for compute (weight.format)
 * @param threads host compute threads (the caller counts as one); 0 = available processors
 * @param mmapWeights whether a host backend reads the base weights from the model files' mapping rather than a copy
 *                    in anonymous memory (weight.mmap); device backends ignore it
 */
public record BackendOptions(int adapterSlots, int maxLoraRank, int kvBlocks, int kvBlockSize, int maxBatchRows,
                             WeightFormat weightFormat, int threads, boolean mmapWeights) {
    public BackendOptions {
        if (adapterSlots < 0 || maxLoraRank < 1 || kvBlocks < 1 || kvBlockSize < 1 || maxBatchRows < 1 || threads < 0
                || weightFormat == null) {
            throw new IllegalArgumentException("invalid backend options: " + adapterSlots + " slots, rank "
                    + maxLoraRank + ", " + kvBlocks + " KV blocks of " + kvBlockSize + ", " + maxBatchRows + " rows, "
                    + weightFormat + " weights, " + threads + " threads");
        }
    }

    /** The options with the weights read from the mapping, weight.mmap's default. */
    public BackendOptions(int adapterSlots, int maxLoraRank, int kvBlocks, int kvBlockSize, int maxBatchRows,
                          WeightFormat weightFormat, int threads) {
        this(adapterSlots, maxLoraRank, kvBlocks, kvBlockSize, maxBatchRows, weightFormat, threads, true);
    }

    /** The same options with the weights read from the mapping or copied. */
    public BackendOptions withMmapWeights(boolean mmap) {
        return new BackendOptions(adapterSlots, maxLoraRank, kvBlocks, kvBlockSize, maxBatchRows, weightFormat, threads, mmap);
    }

    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
