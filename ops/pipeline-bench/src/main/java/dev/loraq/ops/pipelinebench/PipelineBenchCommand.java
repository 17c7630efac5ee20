package dev.loraq.ops.pipelinebench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loraq.stack.EmbeddedLocalStack;
import dev.loraq.stack.LocalStack;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ops/bench-pipeline.sh}: the same workload through the engine alone and through Kafka (the whole
 * service), printed as one JSON line with both throughputs and their ratio. Without --bootstrap-servers and
 * --schema-registry-url it starts the embedded local stack (KRaft broker in this JVM, Apicurio registry as a child
 * process) and stops it afterwards.
 */
@Command(name = "bench-pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one workload through the engine alone and through Kafka (loraq-engine run's pipeline) and prints "
                + "one JSON line: engine_rps, pipeline_rps, ratio (goal >= 0.95) and tokens/s of both.")
public final class PipelineBenchCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(new CommandLine(new PipelineBenchCommand()).execute(args));
    }

    private static final PipelineBench.Settings D = PipelineBench.Settings.defaults();

    @Option(names = "--bootstrap-servers", description = "Kafka to use; with --schema-registry-url. Default: start the embedded local stack.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible registry to use; with --bootstrap-servers.")
    String registryUrl;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where the synthetic model is written and reused. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--preset", description = "Model preset: tiny, small or 1b. Default: " + "tiny" + ".")
    String preset = D.preset();

    @Option(names = "--requests", description = "Requests in the workload. Default: 2000.")
    int requests = D.requests();

    @Option(names = "--adapters", description = "Adapters the requests are spread over (round robin). Default: 20.")
    int adapters = D.adapters();

    @Option(names = "--max-tokens", description = "max_tokens of every request. Default: 8.")
    int maxTokens = D.maxTokens();

    @Option(names = "--partitions", description = "Partitions of the input topic. Default: 4.")
    int partitions = D.partitions();

    @Option(names = "--max-num-seqs", description = "Engine max-num-seqs, both legs. Default: 32.")
    int maxNumSeqs = D.maxNumSeqs();

    @Option(names = "--max-loras", description = "Engine max-loras, both legs. Default: 8.")
    int maxLoras = D.maxLoras();

    @Option(names = "--max-queued-records", description = "Service max.queued.records (records in flight). Default: 512.")
    int maxQueuedRecords = D.maxQueuedRecords();

    @Option(names = "--commit-interval-ms", description = "Service commit.interval.ms. Default: 100.")
    long commitIntervalMs = D.commitIntervalMs();

    @Option(names = "--rounds", description = "Timed rounds; each runs both legs, and medians are reported. Default: 3.")
    int rounds = D.rounds();

    @Option(names = "--max-warm-up-rounds", description = "Untimed rounds of both legs before the timed ones: they stop once "
            + "compilation took at most a tenth of a round's time, or after this many (at least 1). Default: 8.")
    int maxWarmUpRounds = D.maxWarmUpRounds();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((bootstrapServers == null) != (registryUrl == null)) {
            spec.commandLine().getErr().println("Give both --bootstrap-servers and --schema-registry-url, or neither (embedded stack).");
            return 2;
        }
        PipelineBench.Settings settings = new PipelineBench.Settings(preset, requests, adapters, maxTokens, partitions,
                maxNumSeqs, maxLoras, maxQueuedRecords, commitIntervalMs, rounds, Math.max(1, maxWarmUpRounds), D.seed());
        Map<String, Object> figures;
        if (bootstrapServers != null) {
            figures = PipelineBench.run(workDir, settings, bootstrapServers, registryUrl);
            figures.put("stack", "external");
        } else {
            try (LocalStack stack = EmbeddedLocalStack.start()) {
                figures = PipelineBench.run(workDir, settings, stack.bootstrapServers(), stack.registryUrl());
                figures.put("stack", "embedded");
            }
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(figures));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
