package dev.loraq.reliability;

import dev.loraq.engine.synth.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * One fault-injection scenario: a fresh stack (registry, broker process), its workload and a ledger reading every
 * output, then the scenario's own steps; prints its figures as one JSON line and exits 0 only when nothing was lost,
 * duplicated or misrouted.
 */
abstract class Scenario implements Callable<Integer> {

    @Option(names = "--dir", required = true, description = "Working folder (logs, model, broker data).")
    Path dir;

    private final String name;
    private final String prefix;
    private final ModelPreset preset;
    private final int partitions;
    private final boolean keepArrivals;

    Scenario(String name, String prefix, ModelPreset preset, int partitions, boolean keepArrivals) {
        this.name = name;
        this.prefix = prefix;
        this.preset = preset;
        this.partitions = partitions;
        this.keepArrivals = keepArrivals;
    }

    /** The synthetic model's preset; a scenario with a --preset option overrides it. */
    ModelPreset preset() {
        return preset;
    }

    /** The scenario's steps; puts its figures and returns whether every check held. */
    abstract boolean run(Workload workload, CompletionLedger ledger, Figures figures) throws Exception;

    @Override
    public final Integer call() throws Exception {
        long started = System.nanoTime();
        try (Cluster cluster = new Cluster(dir)) {
            Workload workload = new Workload(cluster, dir, prefix, preset(), partitions);
            try (CompletionLedger ledger = new CompletionLedger(workload, keepArrivals)) {
                Figures figures = new Figures(name);
                boolean passed = run(workload, ledger, figures);
                figures.put("passed", passed).put("seconds", Duration.ofNanos(System.nanoTime() - started).toSeconds());
                System.out.println(figures.line());
                return passed ? 0 : 1;
            }
        }
    }
}
