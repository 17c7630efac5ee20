package dev.loraq.engine;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;

/**
 * The Java heap the CPU engine needs for a configuration, as docs/operations.md (Heap of the CPU engine) gives it: the
 * KV cache and the adapters in host memory and in compute slots as 4-byte floats (each adapter counted at
 * max.lora.rank on every projection: an upper bound), plus a fixed allowance for everything else. The base weights are
 * memory-mapped, outside the heap.
 */
public record HeapEstimate(long kvCacheBytes, long adapterBytes, long baseBytes) {

    /** Model-independent working memory: tokenizer, scheduler, buffers, garbage between collections. */
    public static final long BASE_BYTES = 1L << 30;

    public static HeapEstimate of(EngineConfig config, ModelConfig model) {
        long kv = (long) config.kvCacheTokens() * 2 * model.numHiddenLayers() * model.kvDim() * Float.BYTES;
        long perAdapter = 0;
        for (Projection p : Projection.values()) {
            perAdapter += (long) config.maxLoraRank() * (model.inFeatures(p) + model.outFeatures(p));
        }
        perAdapter *= (long) model.numHiddenLayers() * Float.BYTES;
        long adapters = config.adaptersDir().isEmpty() ? 0 : (long) (config.maxCpuLoras() + config.maxLoras()) * perAdapter;
        return new HeapEstimate(kv, adapters, BASE_BYTES);
    }

    public long totalBytes() {
        return kvCacheBytes + adapterBytes + baseBytes;
    }

    @Override
    public String toString() {
        return "kv cache " + mb(kvCacheBytes) + " MB + adapters " + mb(adapterBytes) + " MB + base " + mb(baseBytes) + " MB = "
                + mb(totalBytes()) + " MB";
    }

    private static long mb(long bytes) {
        return bytes / (1 << 20);
    }
}
