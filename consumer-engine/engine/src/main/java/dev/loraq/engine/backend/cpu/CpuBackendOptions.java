package dev.loraq.engine.backend.cpu;

/**
 * Sizes of a {@link CpuBackend}.
 *
 * @param adapterSlots LoRA compute slots (max.loras)
 * @param maxLoraRank largest adapter rank a slot accepts
 * @param kvBlocks KV cache blocks (the memory budget)
 * @param kvBlockSize tokens per KV block
 * @param maxBatchRows most rows per step (prefill chunk tokens plus decodes)
 * @param threads compute threads (the caller counts as one); 0 = available processors
 */
public record CpuBackendOptions(int adapterSlots, int maxLoraRank, int kvBlocks, int kvBlockSize, int maxBatchRows,
                                int threads) {
    public CpuBackendOptions {
        if (adapterSlots < 0 || maxLoraRank < 1 || kvBlocks < 1 || kvBlockSize < 1 || maxBatchRows < 1 || threads < 0) {
            throw new IllegalArgumentException("invalid CPU backend options: " + adapterSlots + " slots, rank " + maxLoraRank
                    + ", " + kvBlocks + " KV blocks of " + kvBlockSize + ", " + maxBatchRows + " rows, " + threads + " threads");
        }
    }

    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
