package dev.loraq.engine.cli;

import dev.loraq.engine.sample.SamplingParams;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Sampling flags of {@code generate}. */
final class SamplingOptions {

    @Option(names = "--max-tokens", defaultValue = "64", description = "Most tokens to generate. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0 = off. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "1 = off. Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--seed", description = "Seed for reproducible sampling.")
    Long seed;

    @Option(names = "--stop", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    SamplingParams toParams() {
        return new SamplingParams(maxTokens, temperature, topK, topP, seed, stop, List.of());
    }
}
