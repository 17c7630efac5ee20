package dev.loraq.reliability;

import dev.loraq.engine.synth.ModelPreset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kill-loop", mixinStandardHelpOptions = true,
        description = "SIGKILL the engine at random moments during a multi-tenant job and restart it each time (same worker.id): "
                + "lost, duplicated, cross-tenant, restart-to-first-commit time and work done between kills.")
final class KillLoopScenario extends Scenario {

    KillLoopScenario() {
        super("kill-loop", "killloop", ModelPreset.SMALL, 6, false);
    }

    @Option(names = "--kills", defaultValue = "20", description = "Hard kills. Default: ${DEFAULT-VALUE}.")
    int kills;

    @Option(names = "--requests-per-tenant", defaultValue = "1000", description = "Requests per tenant (3 tenants). Default: ${DEFAULT-VALUE}.")
    int perTenant;

    @Option(names = "--max-tokens", defaultValue = "32", description = "max_tokens per request (sampled at temperature 1). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--run-ms", defaultValue = "300..1500", description = "How long each engine runs after its first commit before the kill, "
            + "uniform in MIN..MAX (short enough that the job outlasts the kills). Default: ${DEFAULT-VALUE}.")
    String runMs;

    @Option(names = "--preset", defaultValue = "small", description = "Synthetic model preset. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the kill moments. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    ModelPreset preset() {
        return ModelPreset.byName(preset);
    }

    @Override
    boolean run(Workload workload, CompletionLedger ledger, Figures figures) throws Exception {
        String[] range = runMs.split("\\.\\.");
        long minRun = Long.parseLong(range[0]);
        long maxRun = Long.parseLong(range[1]);
        Random random = new Random(seed);
        Map<String, String> job = workload.produceJob("kl", 3 * perTenant, maxTokens, 1.0f);
        List<Long> restartMs = new ArrayList<>();
        List<Long> donePerCycle = new ArrayList<>();
        EngineProcess engine = EngineProcess.start(workload, "w1", "1g", Map.of());
        long cycleStart = engine.startedAtMillis;
        int killsDone = 0;
        List<Long> readyMs = new ArrayList<>();
        for (int k = 0; k < kills && ledger.count() < job.size(); k++) {
            if (k > 0) {
                readyMs.add(awaitReady(engine, Duration.ofSeconds(90)) - cycleStart);
            }
            long first = awaitFirstCompletionAfter(ledger, cycleStart, Duration.ofSeconds(90));
            if (first < 0) {
                break;
            }
            if (k > 0) {
                restartMs.add(first - cycleStart);
            }
            Thread.sleep(minRun + (long) (random.nextDouble() * (maxRun - minRun)));
            long before = ledger.count();
            engine.kill();
            killsDone++;
            donePerCycle.add(before);
            engine = EngineProcess.start(workload, "w1", "1g", Map.of());
            cycleStart = engine.startedAtMillis;
        }
        if (killsDone > 0) {
            readyMs.add(awaitReady(engine, Duration.ofSeconds(90)) - cycleStart);
        }
        long first = awaitFirstCompletionAfter(ledger, cycleStart, Duration.ofSeconds(90));
        if (first >= 0 && killsDone > 0) {
            restartMs.add(first - cycleStart);
        }
        boolean complete = ledger.awaitCount(job.size(), Duration.ofMinutes(15));
        Thread.sleep(3000);
        int exit = engine.stop();
        List<Long> work = new ArrayList<>();
        for (int i = 0; i < donePerCycle.size(); i++) {
            work.add(donePerCycle.get(i) - (i == 0 ? 0 : donePerCycle.get(i - 1)));
        }
        figures.put("kills", killsDone).put("preset", preset).put("max_tokens", maxTokens)
                .accounting(ledger.account(job)).put("complete", complete)
                .distribution("restart_to_ready_ms", readyMs)
                .distribution("restart_to_first_commit_ms", restartMs)
                .distribution("completions_between_kills", work)
                .put("last_exit_status_after_sigterm", exit);
        return ledger.account(job).exact() && complete;
    }

    /** When the engine's /ready first answered 200 (epoch millis). */
    static long awaitReady(EngineProcess engine, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !engine.ready()) {
            Thread.sleep(50);
        }
        return System.currentTimeMillis();
    }

    /** Arrival time of the first completion an engine made at or after {@code sinceMillis}; -1 on timeout. */
    static long awaitFirstCompletionAfter(CompletionLedger ledger, long sinceMillis, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long first = ledger.firstArrivalOfCompletedAtOrAfter(sinceMillis);
            if (first >= 0) {
                return first;
            }
            Thread.sleep(50);
        }
        return -1;
    }
}
