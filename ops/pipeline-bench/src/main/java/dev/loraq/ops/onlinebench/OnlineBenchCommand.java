package dev.loraq.ops.onlinebench;

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
 * {@code ops/bench-online.sh}: online latency (client-side TTFT and ITL) at a Poisson arrival rate on an idle engine
 * and beside a Kafka bulk job in the same {@code loraq-engine run}, the bulk job's throughput with and without the
 * online load, and aggregate streaming tokens/s side by side with llama.cpp's llama-server; one JSON line. Without
 * --bootstrap-servers and --schema-registry-url it starts the embedded local stack and stops it afterwards.
 */
@Command(name = "bench-online", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Online TTFT/ITL p50/p99 idle and beside a Kafka bulk job (goal: p99 TTFT ratio <= 2.0), bulk "
                + "throughput with online load over alone (goal >= 0.8), and 16 streaming clients against loraq "
                + "(16 adapters) and llama-server (base model); prints one JSON line.")
public final class OnlineBenchCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(new CommandLine(new OnlineBenchCommand()).execute(args));
    }

    private static final OnlineBench.Settings D = OnlineBench.Settings.defaults();

    @Option(names = "--bootstrap-servers", description = "Kafka to use; with --schema-registry-url. Default: start the embedded local stack.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible registry to use; with --bootstrap-servers.")
    String registryUrl;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where the synthetic models are written and reused. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--preset", description = "Model preset of the online and bulk legs: tiny, small or 1b. Default: small.")
    String preset = D.preset();

    @Option(names = "--rate", description = "Online arrival rate, requests/s (Poisson). Default: 4.")
    double rate = D.rate();

    @Option(names = "--online-requests", description = "Online requests per leg. Default: 80.")
    int onlineRequests = D.onlineRequests();

    @Option(names = "--online-max-tokens", description = "max_tokens of every online request. Default: 32.")
    int onlineMaxTokens = D.onlineMaxTokens();

    @Option(names = "--adapters", description = "Adapter pool; request i uses adapter i mod pool (online and bulk). Default: 16.")
    int adapters = D.adapters();

    @Option(names = "--bulk-requests", description = "Records of the bulk job (it must outlast the online load). Default: 6000.")
    int bulkRequests = D.bulkRequests();

    @Option(names = "--bulk-max-tokens", description = "max_tokens of every bulk record. Default: 16.")
    int bulkMaxTokens = D.bulkMaxTokens();

    @Option(names = "--max-num-seqs", description = "Engine max.num.seqs of the online and bulk legs. Default: 32.")
    int maxNumSeqs = D.maxNumSeqs();

    @Option(names = "--rounds", description = "Rounds of (idle, with bulk, bulk alone) legs; medians are reported. Default: 3.")
    int rounds = D.rounds();

    @Option(names = "--threads", description = "Compute threads of loraq and of llama-server. Default: 2.")
    int threads = D.threads();

    @Option(names = "--peer-preset", description = "Model preset of loraq's side-by-side legs (llama-server's model must match). Default: 1b.")
    String peerPreset = D.peerPreset();

    @Option(names = "--peer-clients", description = "Concurrent streaming clients (and llama-server slots, and loraq adapters). Default: 16.")
    int peerClients = D.peerClients();

    @Option(names = "--peer-max-tokens", description = "Tokens each side-by-side stream asks for. Default: 64.")
    int peerMaxTokens = D.peerMaxTokens();

    @Option(names = "--peer-rank", description = "Rank of loraq's side-by-side adapters. Default: 16.")
    int peerRank = D.peerRank();

    @Option(names = "--peer-rounds", description = "Side-by-side rounds (loraq, llama-server, ...). Default: 3.")
    int peerRounds = D.peerRounds();

    @Option(names = "--peer-root", description = "The llama.cpp chroot (../shared/tools/llamacpp-peer.sh). Default: /tmp/llamacpp-sid.")
    Path peerRoot = D.peerRoot();

    @Option(names = "--peer-model", description = "The peer's GGUF, as a path inside the chroot. Default: /peer/peer-BF16.gguf.")
    String peerModel = D.peerModel();

    @Option(names = "--skip-peer", description = "Leave out the side-by-side legs.")
    boolean skipPeer;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((bootstrapServers == null) != (registryUrl == null)) {
            spec.commandLine().getErr().println("Give both --bootstrap-servers and --schema-registry-url, or neither (embedded stack).");
            return 2;
        }
        if (rate <= 0 || onlineRequests < 1 || bulkRequests < 1 || rounds < 1 || peerRounds < 1 || peerClients < 1
                || adapters < 1) {
            spec.commandLine().getErr().println("--rate must be above 0, and --online-requests, --bulk-requests, "
                    + "--rounds, --peer-rounds, --peer-clients and --adapters at least 1.");
            return 2;
        }
        OnlineBench.Settings settings = new OnlineBench.Settings(preset, rate, onlineRequests, onlineMaxTokens, adapters,
                bulkRequests, bulkMaxTokens, maxNumSeqs, rounds, threads, peerPreset, peerClients, peerMaxTokens, peerRank,
                peerRounds, peerRoot, peerModel, skipPeer, D.seed());
        Map<String, Object> figures;
        if (bootstrapServers != null) {
            figures = OnlineBench.run(workDir, settings, bootstrapServers, registryUrl);
            figures.put("stack", "external");
        } else {
            try (LocalStack stack = EmbeddedLocalStack.start()) {
                figures = OnlineBench.run(workDir, settings, stack.bootstrapServers(), stack.registryUrl());
                figures.put("stack", "embedded");
            }
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(figures));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
