package dev.loraq.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loraq.engine.bench.AffinityBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** Runs a benchmark scenario and prints one JSON line of figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark scenario and prints one JSON line of figures (ratios measured in the same run). "
                + "Scenarios: affinity.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Scenario: affinity.")
    String scenario;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where synthetic models are written and reused. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--preset", description = "Model preset override (tiny, small, 1b).")
    String preset;

    @Option(names = "--requests", description = "affinity: number of requests.")
    Integer requests;

    @Option(names = "--rate", description = "affinity: arrival rate in requests/s; 0 (default) submits all at once "
            + "(a bulk job); -1 = 80% of a calibrated capacity.")
    Double rate;

    @Option(names = "--max-queue-wait-ms", description = "affinity: aging bound of the affinity policy.")
    Long maxQueueWaitMs;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> figures = switch (scenario) {
            case "affinity" -> {
                AffinityBench.Settings d = AffinityBench.Settings.defaults();
                yield AffinityBench.run(workDir, new AffinityBench.Settings(preset != null ? preset : d.preset(),
                        requests != null ? requests : d.requests(), d.adapters(), d.zipf(), d.maxLoras(),
                        d.maxCpuLoras(), d.maxNumSeqs(), d.promptTokens(), d.maxTokens(),
                        rate != null ? rate : d.rate(), maxQueueWaitMs != null ? maxQueueWaitMs : d.maxQueueWaitMs(),
                        d.seed()));
            }
            default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "'; known: affinity");
        };
        System.out.println(new ObjectMapper().writeValueAsString(figures));
        return 0;
    }
}
