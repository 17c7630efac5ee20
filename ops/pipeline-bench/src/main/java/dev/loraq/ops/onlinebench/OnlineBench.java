package dev.loraq.ops.onlinebench;

import dev.loraq.ops.benchrun.IsolatedRun;
import dev.loraq.engine.Engine;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.online.OnlineServer;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.ops.onlinebench.client.StreamingClient;
import dev.loraq.ops.onlinebench.load.LatencySummary;
import dev.loraq.ops.onlinebench.load.LoadResult;
import dev.loraq.ops.onlinebench.load.StreamLoad;
import dev.loraq.ops.onlinebench.stats.Percentiles;
import dev.loraq.service.EngineRun;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code online} benchmark. Part one, on {@code loraq-engine run} with the online API (one {@link EngineRun}
 * per leg, the embedded or a given Kafka): the same Poisson online load on an idle engine and while a Kafka bulk job
 * runs through the same engine, and the bulk job's committed throughput with and without that load; legs alternate
 * (idle, with bulk, bulk alone) over the rounds and medians are reported. Part two, side by side with llama.cpp's
 * llama-server: aggregate tokens/s of concurrent streaming clients, loraq on distinct adapters and llama-server on
 * the base model, legs alternating, one server at a time.
 */
public final class OnlineBench {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineBench.class);
    private static final Duration FIRST_COMPLETION_TIMEOUT = Duration.ofMinutes(3);

    /** Workload and sizes. */
    public record Settings(String preset, double rate, int onlineRequests, int onlineMaxTokens, int adapters,
                           int bulkRequests, int bulkMaxTokens, int maxNumSeqs, int rounds, int threads,
                           String peerPreset, int peerClients, int peerMaxTokens, int peerRank, int peerRounds,
                           Path peerRoot, String peerModel, boolean skipPeer, long seed) {
        public static Settings defaults() {
            return new Settings("small", 4.0, 80, 32, 16, 6000, 16, 32, 3, 2,
                    "1b", 16, 64, 16, 3, Path.of("/tmp/llamacpp-sid"), "/peer/peer-BF16.gguf", false, 7);
        }
    }

    private OnlineBench() {
    }

    /** One leg's figures. */
    private record Leg(LoadResult online, double bulkPerSecond, double windowSeconds, boolean bulkOutlasted) {
    }

    /** Runs part one against the given Kafka and, unless skipped, part two; returns the figures. */
    public static Map<String, Object> run(Path workDir, Settings s, String bootstrapServers, String registryUrl)
            throws IOException, InterruptedException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "online");
        out.put("preset", s.preset());
        out.put("rate_per_s", s.rate());
        out.put("online_requests", s.onlineRequests());
        out.put("online_max_tokens", s.onlineMaxTokens());
        out.put("adapters", s.adapters());
        out.put("bulk_requests", s.bulkRequests());
        out.put("bulk_max_tokens", s.bulkMaxTokens());
        out.put("max_num_seqs", s.maxNumSeqs());
        out.put("threads", s.threads());
        out.put("rounds", s.rounds());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("load_average_at_start", loadAverage());
        out.putAll(withAndWithoutBulk(workDir, s, bootstrapServers, registryUrl));
        if (!s.skipPeer()) {
            out.putAll(sideBySide(workDir, s));
        }
        out.put("load_average_at_end", loadAverage());
        return out;
    }

    // ---- part one: online latency idle and beside a bulk job, bulk throughput with and without online load ----

    private static Map<String, Object> withAndWithoutBulk(Path workDir, Settings s, String bootstrap, String registry)
            throws IOException, InterruptedException {
        Path modelDir = workDir.resolve("online-model-" + s.preset());
        List<String> adapters = prepareModel(modelDir, ModelPreset.byName(s.preset()), s.adapters(), 8, s.seed());
        long[] arrivals = StreamLoad.poissonArrivals(s.onlineRequests(), s.rate(), s.seed());
        // Untimed warm-up (a short bulk job under online load), so that no timed leg pays for JIT compilation.
        long[] warmArrivals = StreamLoad.poissonArrivals(Math.min(40, s.onlineRequests()), s.rate(), s.seed() + 1);
        leg(s, modelDir, adapters, bootstrap, registry, "warm-up", Math.min(400, s.bulkRequests()), warmArrivals, 0);

        List<LatencySummary> idle = new ArrayList<>();
        List<LatencySummary> beside = new ArrayList<>();
        List<Double> bulkWith = new ArrayList<>();
        List<Double> bulkAlone = new ArrayList<>();
        List<Boolean> outlasted = new ArrayList<>();
        int failures = 0;
        for (int round = 1; round <= s.rounds(); round++) {
            Leg a = leg(s, modelDir, adapters, bootstrap, registry, "idle-r" + round, 0, arrivals, 0);
            Leg b = leg(s, modelDir, adapters, bootstrap, registry, "with-bulk-r" + round, s.bulkRequests(), arrivals, 0);
            Leg c = leg(s, modelDir, adapters, bootstrap, registry, "bulk-alone-r" + round, s.bulkRequests(), null,
                    b.windowSeconds());
            idle.add(LatencySummary.of(a.online().streams()));
            beside.add(LatencySummary.of(b.online().streams()));
            bulkWith.add(b.bulkPerSecond());
            bulkAlone.add(c.bulkPerSecond());
            outlasted.add(b.bulkOutlasted() && c.bulkOutlasted());
            failures += a.online().failures() + b.online().failures();
            LOG.info("round done round={} idle_ttft_p99_ms={} with_bulk_ttft_p99_ms={} bulk_with={} bulk_alone={}", round,
                    round3(idle.getLast().ttftP99()), round3(beside.getLast().ttftP99()), round3(b.bulkPerSecond()),
                    round3(c.bulkPerSecond()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.putAll(medians("idle_", idle));
        out.putAll(medians("with_bulk_", beside));
        double withPerSecond = Percentiles.median(bulkWith);
        double alonePerSecond = Percentiles.median(bulkAlone);
        out.put("bulk_completions_per_s_with_online", round3(withPerSecond));
        out.put("bulk_completions_per_s_alone", round3(alonePerSecond));
        double ttftRatio = Percentiles.median(beside.stream().map(LatencySummary::ttftP99).toList())
                / Percentiles.median(idle.stream().map(LatencySummary::ttftP99).toList());
        out.put("ttft_p99_ratio_with_bulk_over_idle", round3(ttftRatio));
        out.put("goal_ttft_p99_ratio", 2.0);
        out.put("bulk_throughput_ratio_with_online_over_alone", round3(withPerSecond / alonePerSecond));
        out.put("goal_bulk_throughput_ratio", 0.8);
        out.put("online_failures", failures);
        out.put("bulk_outlasted_online_by_round", outlasted);
        out.put("ttft_p99_ms_idle_by_round", idle.stream().map(l -> round3(l.ttftP99())).toList());
        out.put("ttft_p99_ms_with_bulk_by_round", beside.stream().map(l -> round3(l.ttftP99())).toList());
        out.put("bulk_per_s_with_online_by_round", bulkWith.stream().map(OnlineBench::round3).toList());
        out.put("bulk_per_s_alone_by_round", bulkAlone.stream().map(OnlineBench::round3).toList());
        return out;
    }

    /**
     * One {@link EngineRun} with the online API on a fresh group and topics. With a bulk job, its records are produced
     * before the service starts and the window opens when its first completion is visible (the job has reached its
     * steady state); the online load (when given) starts then, and the window closes when the load ends, or after
     * {@code windowSeconds} without load, or when the job is done, whichever is first.
     */
    private static Leg leg(Settings s, Path modelDir, List<String> adapters, String bootstrap, String registry,
                           String name, int bulkRequests, long[] arrivals, double windowSeconds) throws InterruptedException {
        ServiceConfig config = ConfigSources.load(null, serviceSettings(s, modelDir, bootstrap, registry, name), Map.of());
        BulkJob bulk = bulkRequests > 0 ? BulkJob.produce(config, bulkRequests, adapters, s.bulkMaxTokens(), s.seed(), registry) : null;
        try (EngineRun run = EngineRun.start(config);
             StreamingClient client = new StreamingClient("http://127.0.0.1:" + run.online().port(), false)) {
            long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!run.service().isReady()) {
                if (System.nanoTime() > joinDeadline) {
                    throw new IllegalStateException("the service did not join its group within 60 s: " + run.service().failure());
                }
                Thread.sleep(20);
            }
            long windowStart = bulk != null ? bulk.awaitFirst(FIRST_COMPLETION_TIMEOUT) : System.nanoTime();
            LoadResult online = null;
            long windowEnd;
            if (arrivals != null) {
                online = new StreamLoad(client, adapters, s.onlineMaxTokens()).open(arrivals, name);
                windowEnd = online.endNanos();
            } else {
                windowEnd = windowStart + Math.round(windowSeconds * 1e9);
                while (System.nanoTime() < windowEnd && (bulk == null || bulk.doneNanos() < 0)) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }
            if (bulk == null) {
                return new Leg(online, 0, (windowEnd - windowStart) / 1e9, true);
            }
            // Commits are every commit.interval.ms: give the last one of the window time to become visible.
            Thread.sleep(config.commitIntervalMs() * 3);
            long done = bulk.doneNanos();
            boolean outlasted = done < 0 || done >= windowEnd;
            long end = outlasted ? windowEnd : done;
            double seconds = (end - windowStart) / 1e9;
            double perSecond = bulk.seenBetween(windowStart, end) / seconds;
            if (!run.service().isHealthy()) {
                throw new IllegalStateException("the service failed in leg " + name + ": " + run.service().failure());
            }
            LOG.info("leg done name={} window_s={} bulk_per_s={} bulk_seen={} outlasted={}", name, round3(seconds),
                    round3(perSecond), bulk.seen(), outlasted);
            return new Leg(online, perSecond, seconds, outlasted);
        } finally {
            if (bulk != null) {
                bulk.close();
            }
        }
    }

    private static Map<String, String> serviceSettings(Settings s, Path modelDir, String bootstrap, String registry,
                                                       String leg) {
        Map<String, String> m = IsolatedRun.settings("obench", leg, bootstrap, registry);
        m.put(ServiceConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        m.put(ServiceConfig.MAX_QUEUED_RECORDS_CONFIG, "512");
        m.putAll(engineSettings(s, modelDir, s.maxNumSeqs()));
        m.put(OnlineConfig.ENABLED, "true");
        m.putAll(onlineSettings());
        return m;
    }

    private static Map<String, String> engineSettings(Settings s, Path modelDir, int maxNumSeqs) {
        return Map.of(EngineConfig.MODEL_DIR, modelDir.toString(),
                EngineConfig.ADAPTERS_DIR, modelDir.resolve("adapters").toString(),
                EngineConfig.MAX_LORAS, Integer.toString(s.adapters()),
                EngineConfig.MAX_CPU_LORAS, Integer.toString(s.adapters()),
                EngineConfig.MAX_NUM_SEQS, Integer.toString(maxNumSeqs),
                EngineConfig.THREADS, Integer.toString(s.threads()));
    }

    private static Map<String, String> onlineSettings() {
        return Map.of(OnlineConfig.PORT, "0", OnlineConfig.AUTH, OnlineConfig.AUTH_OFF);
    }

    private static Map<String, Object> medians(String prefix, List<LatencySummary> rounds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "ttft_ms_p50", round3(median(rounds, LatencySummary::ttftP50)));
        m.put(prefix + "ttft_ms_p99", round3(median(rounds, LatencySummary::ttftP99)));
        m.put(prefix + "itl_ms_p50", round3(median(rounds, LatencySummary::itlP50)));
        m.put(prefix + "itl_ms_p99", round3(median(rounds, LatencySummary::itlP99)));
        return m;
    }

    private static double median(List<LatencySummary> rounds, Function<LatencySummary, Double> figure) {
        return Percentiles.median(rounds.stream().map(figure).toList());
    }

    // ---- part two: side by side with llama-server ----

    private static Map<String, Object> sideBySide(Path workDir, Settings s) throws IOException, InterruptedException {
        Path modelDir = workDir.resolve("online-model-" + s.peerPreset());
        List<String> adapters = prepareModel(modelDir, ModelPreset.byName(s.peerPreset()), s.peerClients(), s.peerRank(),
                s.seed());
        List<Double> loraq = new ArrayList<>();
        List<Double> llama = new ArrayList<>();
        for (int round = 1; round <= s.peerRounds(); round++) {
            loraq.add(loraqStreams(s, modelDir, adapters, round));
            llama.add(llamaStreams(workDir, s, round));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("peer_preset", s.peerPreset());
        out.put("peer_clients", s.peerClients());
        out.put("peer_max_tokens", s.peerMaxTokens());
        out.put("peer_adapter_rank", s.peerRank());
        out.put("peer_rounds", s.peerRounds());
        double l = Percentiles.median(loraq);
        double p = Percentiles.median(llama);
        out.put("loraq_tokens_per_s_median", round3(l));
        out.put("llama_server_tokens_per_s_median", round3(p));
        out.put("loraq_over_llama_server", round3(l / p));
        out.put("loraq_tokens_per_s_by_round", loraq.stream().map(OnlineBench::round3).toList());
        out.put("llama_server_tokens_per_s_by_round", llama.stream().map(OnlineBench::round3).toList());
        return out;
    }

    /** loraq-engine serve's setup in this JVM (engine plus online API, no Kafka), one adapter per client. */
    private static double loraqStreams(Settings s, Path modelDir, List<String> adapters, int round) {
        try (Engine engine = Engine.open(new EngineConfig(engineSettings(s, modelDir, s.peerClients())));
             OnlineServer server = OnlineServer.start(engine, new OnlineConfig(onlineSettings()), null);
             StreamingClient client = new StreamingClient("http://127.0.0.1:" + server.port(), false)) {
            return aggregate(client, adapters, s, "loraq-r" + round);
        }
    }

    private static double llamaStreams(Path workDir, Settings s, int round) throws IOException, InterruptedException {
        Path log = workDir.resolve("llama-server-r" + round + ".log");
        try (LlamaServer server = LlamaServer.start(s.peerRoot(), s.peerModel(), s.threads(), s.peerClients(),
                512 * s.peerClients(), log);
             StreamingClient client = new StreamingClient(server.baseUrl(), true)) {
            return aggregate(client, List.of(s.peerModel()), s, "llama-server-r" + round);
        }
    }

    /** An untimed warm-up wave of short streams, then the timed wave: completion tokens / wall seconds. */
    private static double aggregate(StreamingClient client, List<String> models, Settings s, String label) {
        new StreamLoad(client, models, 8).closed(s.peerClients(), label + "-warm-up");
        LoadResult timed = new StreamLoad(client, models, s.peerMaxTokens()).closed(s.peerClients(), label);
        if (timed.failures() > 0) {
            throw new IllegalStateException(label + ": " + timed.failures() + " of " + s.peerClients()
                    + " streams failed: " + timed.firstFailure());
        }
        double perSecond = timed.completionTokens() / timed.seconds();
        LOG.info("side-by-side leg done label={} tokens={} seconds={} tokens_per_s={}", label, timed.completionTokens(),
                round3(timed.seconds()), round3(perSecond));
        return perSecond;
    }

    /** Writes the synthetic model and {@code count} adapters once (a marker records it); returns the adapter ids. */
    private static List<String> prepareModel(Path modelDir, ModelPreset preset, int count, int rank, long seed)
            throws IOException {
        Path marker = modelDir.resolve(".complete-" + count + "-r" + rank);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(String.format("o-%02d", i));
        }
        if (!Files.exists(marker)) {
            LOG.info("writing synthetic model preset={} dir={} adapters={} rank={}", preset.name(), modelDir, count, rank);
            ModelConfig config = SyntheticModelFolder.write(modelDir, preset, seed);
            SyntheticModelFolder.writeAdapters(modelDir.resolve("adapters"), config, "o", count, List.of(rank),
                    EnumSet.allOf(Projection.class), seed);
            Files.writeString(marker, "ok\n");
        }
        return ids;
    }

    private static double loadAverage() {
        return round3(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double round3(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
