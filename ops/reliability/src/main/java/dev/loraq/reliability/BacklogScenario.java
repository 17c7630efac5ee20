package dev.loraq.reliability;

import dev.loraq.engine.synth.ModelPreset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backlog", mixinStandardHelpOptions = true,
        description = "A large backlog of queued prompt records (tiny preset, one token each) drained by one engine with a fixed "
                + "heap: heap and resident memory sampled the whole way, throughput per tenth of the run, nothing lost.")
final class BacklogScenario extends Scenario {

    BacklogScenario() {
        super("backlog", "backlog", ModelPreset.TINY, 6, true);
    }

    @Option(names = "--records", defaultValue = "1000000", description = "Queued records. Default: ${DEFAULT-VALUE}.")
    int records;

    @Option(names = "--heap", defaultValue = "512m", description = "The engine's -Xmx (LORAQ_HEAP). Default: ${DEFAULT-VALUE}.")
    String heap;

    @Override
    boolean run(Workload workload, CompletionLedger ledger, Figures figures) throws Exception {
        Map<String, String> job = new HashMap<>();
        int chunk = 20_000;
        for (int done = 0; done < records; done += chunk) {
            job.putAll(workload.produceJob("bl" + done, Math.min(chunk, records - done), 1, 0f));
        }
        long queuedAt = System.currentTimeMillis();
        EngineProcess engine = EngineProcess.start(workload, "w1", heap, Map.of("max.num.seqs", "64", "max.queued.records", "512"));
        MemorySampler memory = new MemorySampler(engine);
        boolean complete = ledger.awaitCount(records, Duration.ofMinutes(40));
        Thread.sleep(2000);
        memory.close();
        boolean alive = engine.isAlive();
        int exit = engine.stop();
        List<Long> arrivals = ledger.arrivals();
        Collections.sort(arrivals);
        List<Long> perTenth = new ArrayList<>();
        int n = arrivals.size();
        for (int t = 0; t < 10 && n >= 20; t++) {
            int from = t * n / 10;
            int to = (t + 1) * n / 10 - 1;
            long ms = Math.max(1, arrivals.get(to) - arrivals.get(from));
            perTenth.add((to - from) * 1000L / ms);
        }
        figures.accounting(ledger.account(job)).put("complete", complete)
                .put("engine_alive", alive).put("exit_status_after_sigterm", exit).put("heap", heap)
                .put("drain_seconds", n == 0 ? -1 : (arrivals.get(n - 1) - queuedAt) / 1000)
                .distribution("records_per_second_by_tenth", perTenth)
                .list("records_per_second_tenths", perTenth);
        memory.report(figures);
        return ledger.account(job).exact() && complete && alive;
    }
}
