package dev.loraq.service.inference;

import java.util.Map;

/** The engine's counters at one moment, for metrics. */
public record EngineSnapshot(int running, int waiting, Map<String, Integer> queueDepthByAdapter, long generatedTokens,
                             long batches, double meanBatchSize, double meanAdaptersPerBatch) {

    public static EngineSnapshot empty() {
        return new EngineSnapshot(0, 0, Map.of(), 0, 0, 0, 0);
    }
}
