package dev.loraq.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.engine.synth.ModelPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "broker-restart", mixinStandardHelpOptions = true,
        description = "Stop the broker mid-job (a SIGTERM round, then a SIGKILL round) and start it again on its data, the registry "
                + "staying up; the engine must ride it out without a restart: lost, duplicated, recovery time, redone work, "
                + "and what the engine logged while the broker was away.")
final class BrokerRestartScenario extends Scenario {

    BrokerRestartScenario() {
        super("broker-restart", "brokerrestart", ModelPreset.SMALL, 6, false);
    }

    @Option(names = "--away-ms", defaultValue = "20000", description = "How long the broker stays down each round. Default: ${DEFAULT-VALUE}.")
    long awayMs;

    @Mixin
    JobOptions size;

    @Override
    boolean run(Workload workload, CompletionLedger ledger, Figures figures) throws Exception {
        Map<String, String> job = workload.produceJob("br", size.requests(), size.maxTokens, 1.0f);
        EngineProcess engine = EngineProcess.start(workload, "w1", "1g", Map.of());
        long pid = engine.pid();
        ledger.awaitCount(Math.min(job.size() / 10, 200), Duration.ofMinutes(3));
        figures.put("away_ms", awayMs).put("max_tokens", size.maxTokens);
        boolean allRounds = true;
        for (boolean hard : List.of(false, true)) {
            allRounds &= round(workload.cluster(), ledger, engine, hard, figures.root.putObject(hard ? "sigkill" : "sigterm"));
        }
        boolean complete = ledger.awaitCount(job.size(), Duration.ofMinutes(15));
        Thread.sleep(3000);
        figures.put("engine_restarted", !engine.isAlive() || engine.pid() != pid)
                .put("results_discarded", (long) engine.metric("loraq_results_discarded_total"))
                .put("requests_cancelled", (long) engine.metric("loraq_requests_cancelled_total"))
                .put("transactions_aborted", (long) abortedTransactions(engine));
        int exit = engine.stop();
        figures.accounting(ledger.account(job)).put("complete", complete).put("exit_status_after_sigterm", exit);
        return ledger.account(job).exact() && complete && allRounds;
    }

    private boolean round(Cluster cluster, CompletionLedger ledger, EngineProcess engine, boolean hard, ObjectNode out) throws Exception {
        long linesBefore = lines(engine.log);
        long before = ledger.count();
        cluster.stopBroker(hard);
        long stoppedAt = System.currentTimeMillis();
        Thread.sleep(awayMs);
        boolean readyWhileAway = engine.ready();
        List<String> away = Files.readAllLines(engine.log).stream().skip(linesBefore).toList();
        long atStop = ledger.count();
        cluster.startBroker();
        long backAt = System.currentTimeMillis();
        // From the broker answering again to the next output a read_committed reader sees (work finished while the
        // broker was away counts: it could not be committed before).
        long recovery = ledger.awaitGrowth(ledger.count(), Duration.ofMinutes(3));
        long readyAgain = -1;
        for (long deadline = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < deadline; Thread.sleep(100)) {
            if (engine.ready()) {
                readyAgain = System.currentTimeMillis() - backAt;
                break;
            }
        }
        out.put("ready_while_away", readyWhileAway);
        out.put("ready_again_ms", readyAgain);
        out.put("completions_before", before);
        out.put("visible_while_away", atStop - before);
        out.put("recovery_ms", recovery);
        out.put("broker_down_ms", backAt - stoppedAt);
        out.put("log_lines_while_away", away.size());
        out.put("stack_trace_lines_while_away", away.stream().filter(l -> l.startsWith("\tat ")).count());
        out.put("said_unreachable", away.stream().anyMatch(l -> l.contains("kafka cluster unreachable")));
        out.put("warn_or_error_lines_while_away", away.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count());
        out.put("engine_alive", engine.isAlive());
        away.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).limit(5)
                .forEach(l -> out.withArray("warnings_while_away").add(l.length() > 300 ? l.substring(0, 300) : l));
        // Run a while on the restarted broker before the next round, so the engine has settled.
        Thread.sleep(10_000);
        return recovery >= 0 && engine.isAlive() && !readyWhileAway && readyAgain >= 0;
    }

    private static double abortedTransactions(EngineProcess engine) {
        return engine.metric("loraq_transactions_total", "outcome=\"aborted\"");
    }

    private static long lines(Path file) throws java.io.IOException {
        try (var stream = Files.lines(file)) {
            return stream.count();
        }
    }
}
