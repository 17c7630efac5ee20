package dev.loraq.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loraq.engine.bench.AffinityBench;
import dev.loraq.engine.bench.BatchSweepBench;
import dev.loraq.engine.bench.ColdLoadBench;
import dev.loraq.engine.bench.DecodeBench;
import dev.loraq.engine.bench.LoraOverheadBench;
import dev.loraq.engine.bench.MatmulStreamBench;
import dev.loraq.engine.bench.MixedVsSerialBench;
import dev.loraq.engine.bench.PrefillBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Runs a benchmark scenario and prints one JSON line of figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark scenario and prints one JSON line of figures (ratios measured side by side in "
                + "the same run). Scenarios: decode, matmul-stream, prefill, lora-overhead, mixed-vs-serial, batch-sweep, cold-load, affinity. Synthetic "
                + "models are generated once into --work-dir and reused.")
final class BenchCommand implements Callable<Integer> {

    private static final String SCENARIOS = "decode, matmul-stream, prefill, lora-overhead, mixed-vs-serial, batch-sweep, cold-load, affinity";

    @Parameters(index = "0", description = "Scenario: " + SCENARIOS + ".")
    String scenario;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where synthetic models are written and reused. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--preset", description = "Model preset (tiny, small, 1b). Default: 1b, and tiny for affinity.")
    String preset;

    @Option(names = "--threads", defaultValue = "0", description = "Compute threads; 0 = all cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--requests", description = "affinity: number of requests.")
    Integer requests;

    @Option(names = "--rate", description = "affinity: arrival rate in requests/s; 0 (default) submits all at once "
            + "(a bulk job); -1 = 80%% of a calibrated capacity.")
    Double rate;

    @Option(names = "--max-queue-wait-ms", description = "affinity: aging bound of the affinity policy.")
    Long maxQueueWaitMs;

    @Option(names = "--batches", split = ",", description = "batch-sweep: batch sizes to measure. Default: 1,2,4,8,16,32.")
    List<Integer> batches;

    @Option(names = "--adapter-counts", split = ",", description = "batch-sweep: numbers of distinct adapters in a batch. "
            + "Default: 1,4,16.")
    List<Integer> adapterCounts;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> figures = switch (scenario) {
            case "decode" -> {
                DecodeBench.Settings d = DecodeBench.Settings.defaults();
                yield DecodeBench.run(workDir, new DecodeBench.Settings(presetOr(d.preset()), d.tokens(), d.warmup(), threads));
            }
            case "matmul-stream" -> {
                MatmulStreamBench.Settings d = MatmulStreamBench.Settings.defaults();
                yield MatmulStreamBench.run(workDir, new MatmulStreamBench.Settings(presetOr(d.preset()), d.passes(), d.warmup(), threads));
            }
            case "prefill" -> {
                PrefillBench.Settings d = PrefillBench.Settings.defaults();
                yield PrefillBench.run(workDir, new PrefillBench.Settings(presetOr(d.preset()), d.promptTokens(),
                        d.repeats(), d.warmup(), threads));
            }
            case "lora-overhead" -> {
                LoraOverheadBench.Settings d = LoraOverheadBench.Settings.defaults();
                yield LoraOverheadBench.run(workDir, new LoraOverheadBench.Settings(presetOr(d.preset()), d.sequences(),
                        d.adapters(), d.rank(), d.steps(), d.warmup(), threads));
            }
            case "mixed-vs-serial" -> {
                MixedVsSerialBench.Settings d = MixedVsSerialBench.Settings.defaults();
                yield MixedVsSerialBench.run(workDir, new MixedVsSerialBench.Settings(presetOr(d.preset()), d.adapters(),
                        d.sequencesPerAdapter(), d.rank(), d.steps(), d.warmup(), threads));
            }
            case "batch-sweep" -> {
                BatchSweepBench.Settings d = BatchSweepBench.Settings.defaults();
                yield BatchSweepBench.run(workDir, new BatchSweepBench.Settings(presetOr(d.preset()),
                        batches != null ? batches : d.batches(), adapterCounts != null ? adapterCounts : d.adapters(), d.rank(),
                        d.steps(), d.warmup(), threads));
            }
            case "cold-load" -> {
                ColdLoadBench.Settings d = ColdLoadBench.Settings.defaults();
                yield ColdLoadBench.run(workDir, new ColdLoadBench.Settings(presetOr(d.preset()), d.rank(), d.loads(), threads));
            }
            case "affinity" -> {
                AffinityBench.Settings d = AffinityBench.Settings.defaults();
                yield AffinityBench.run(workDir, new AffinityBench.Settings(presetOr(d.preset()),
                        requests != null ? requests : d.requests(), d.adapters(), d.zipf(), d.maxLoras(),
                        d.maxCpuLoras(), d.maxNumSeqs(), d.promptTokens(), d.maxTokens(),
                        rate != null ? rate : d.rate(), maxQueueWaitMs != null ? maxQueueWaitMs : d.maxQueueWaitMs(),
                        d.seed()));
            }
            default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "'; known: " + SCENARIOS);
        };
        System.out.println(new ObjectMapper().writeValueAsString(figures));
        return 0;
    }

    private String presetOr(String fallback) {
        return preset != null ? preset : fallback;
    }
}
