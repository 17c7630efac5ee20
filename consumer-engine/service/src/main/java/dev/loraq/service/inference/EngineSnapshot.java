package dev.loraq.service.inference;

import java.util.Map;

/**
 * The engine's counters at one moment, for metrics. Per-adapter maps are keyed by adapter id ("" = base model);
 * {@code runningInteractive} and {@code waitingInteractive} are the interactive part of {@code running} and
 * {@code waiting}, the rest is batch work.
 */
public record EngineSnapshot(int running, int waiting, Map<String, Integer> queueDepthByAdapter, long generatedTokens,
                             long batches, double meanBatchSize, double meanAdaptersPerBatch,
                             Map<String, Integer> runningByAdapter, int runningInteractive, int waitingInteractive) {

    public static EngineSnapshot empty() {
        return new EngineSnapshot(0, 0, Map.of(), 0, 0, 0, 0, Map.of(), 0, 0);
    }
}
