package dev.loraq.engine.bench;

import dev.loraq.engine.Engine;
import dev.loraq.engine.EngineStats;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code affinity} scenario: requests over many adapters with Zipf popularity, either submitted at once (a bulk
 * job, the default) or arriving as a Poisson process (seeded exponential gaps) at a given mean rate, or at 80% of
 * the capacity a saturated FIFO run measures; the same request sequence, arrival times included, runs once with
 * arrival-order (FIFO)
 * admission and once with adapter-affinity admission, and the warm-hit rate, queue-wait percentiles and throughput
 * of both are reported side by side.
 */
public final class AffinityBench {

    /** Workload and engine sizes of one run. */
    public record Settings(String preset, int requests, int adapters, double zipf, int maxLoras, int maxCpuLoras,
                           int maxNumSeqs, int promptTokens, int maxTokens, double rate, long maxQueueWaitMs,
                           long seed) {
        /** rate 0 = all requests submitted at once; a negative rate = 80% of a calibrated capacity. */
        public static Settings defaults() {
            return new Settings("tiny", 4000, 200, 1.1, 8, 32, 32, 16, 8, 0, 1000, 7);
        }
    }

    private static final int CALIBRATION_REQUESTS = 400;

    private AffinityBench() {
    }

    public static Map<String, Object> run(Path workDir, Settings s) throws IOException, InterruptedException {
        Path modelDir = workDir.resolve("affinity-model-" + s.preset());
        Path adaptersDir = modelDir.resolve("adapters");
        ModelConfig config;
        if (!Files.isRegularFile(modelDir.resolve("model.safetensors"))) {
            config = SyntheticModelFolder.write(modelDir, ModelPreset.byName(s.preset()), s.seed());
        } else {
            config = ModelPreset.byName(s.preset()).toConfig();
        }
        if (!Files.isDirectory(adaptersDir.resolve(String.format("a-%02d", s.adapters() - 1)))) {
            SyntheticModelFolder.writeAdapters(adaptersDir, config, "a", s.adapters(), List.of(8),
                    EnumSet.allOf(Projection.class), s.seed());
        }
        // One arrival sequence for both policies.
        ZipfSampler zipf = new ZipfSampler(s.adapters(), s.zipf(), s.seed());
        int[] adapterOf = new int[s.requests()];
        for (int i = 0; i < adapterOf.length; i++) {
            adapterOf[i] = zipf.next();
        }
        double rate = s.rate() >= 0 ? s.rate() : calibrate(modelDir, adaptersDir, s, adapterOf);
        long[] arrivalNanos = arrivals(s.requests(), rate, s.seed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "affinity");
        out.put("preset", s.preset());
        out.put("requests", s.requests());
        out.put("adapters", s.adapters());
        out.put("zipf", s.zipf());
        out.put("max_loras", s.maxLoras());
        out.put("max_cpu_loras", s.maxCpuLoras());
        out.put("max_queue_wait_ms", s.maxQueueWaitMs());
        out.put("arrival", rate == 0 ? "burst" : "rate");
        out.put("arrival_process", rate == 0 ? "all at once" : "poisson");
        out.put("arrival_rate_rps", round(rate));
        if (s.rate() < 0) {
            out.put("calibrated_on", "fifo, saturated, first " + CALIBRATION_REQUESTS + " requests; rate = 80% of it");
        }
        Map<String, Object> fifo = runPolicy("fifo", modelDir, adaptersDir, s, adapterOf, arrivalNanos);
        Map<String, Object> affinity = runPolicy("affinity", modelDir, adaptersDir, s, adapterOf, arrivalNanos);
        out.put("fifo", fifo);
        out.put("affinity", affinity);
        out.put("warm_hit_gain", round((double) affinity.get("warm_hit_rate") - (double) fifo.get("warm_hit_rate")));
        out.put("throughput_ratio", round((double) affinity.get("throughput_rps") / (double) fifo.get("throughput_rps")));
        out.put("p99_wait_ratio", round((double) (long) affinity.get("p99_wait_ms") / Math.max(1L, (long) fifo.get("p99_wait_ms"))));
        return out;
    }

    /** Arrival offsets from the start: all 0 at rate 0, else a Poisson process (exponential gaps of mean 1 / rate). */
    static long[] arrivals(int requests, double rate, long seed) {
        long[] at = new long[requests];
        if (rate == 0) {
            return at;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double t = 0;
        for (int i = 0; i < requests; i++) {
            at[i] = (long) t;
            t += -Math.log(1 - random.nextDouble()) / rate * 1e9;
        }
        return at;
    }

    /**
     * Capacity in requests/s of a saturated FIFO run on a prefix of the workload; arrivals then come at 80% of it. FIFO,
     * the slower policy, so that both keep up and the comparison is of hit rates and waits, not of a growing backlog.
     */
    private static double calibrate(Path modelDir, Path adaptersDir, Settings s, int[] adapterOf)
            throws InterruptedException {
        int n = Math.min(CALIBRATION_REQUESTS, adapterOf.length);
        try (Engine engine = Engine.open(config(modelDir, adaptersDir, s, "fifo"))) {
            long start = System.nanoTime();
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(engine.submit(request(i, adapterOf[i], s)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            double seconds = (System.nanoTime() - start) / 1e9;
            return 0.8 * n / seconds;
        }
    }

    private static Map<String, Object> runPolicy(String policy, Path modelDir, Path adaptersDir, Settings s,
                                                 int[] adapterOf, long[] arrivalNanos) {
        try (Engine engine = Engine.open(config(modelDir, adaptersDir, s, policy))) {
            long start = System.nanoTime();
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>(adapterOf.length);
            for (int i = 0; i < adapterOf.length; i++) {
                long due = start + arrivalNanos[i];
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                futures.add(engine.submit(request(i, adapterOf[i], s)));
            }
            long[] waits = new long[futures.size()];
            for (int i = 0; i < futures.size(); i++) {
                GenerationResult r = futures.get(i).join();
                waits[i] = r.queueWaitMs();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            EngineStats stats = engine.stats();
            Arrays.sort(waits);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("warm_hit_rate", round(stats.warmHitRate()));
            m.put("p50_wait_ms", percentile(waits, 0.50));
            m.put("p99_wait_ms", percentile(waits, 0.99));
            m.put("max_wait_ms", waits[waits.length - 1]);
            m.put("throughput_rps", round(adapterOf.length / seconds));
            m.put("disk_loads", stats.adapters().diskLoads());
            m.put("slot_installs", stats.adapters().hostHits());
            m.put("mean_batch_size", round(stats.scheduler().meanBatchSize()));
            m.put("mean_adapters_per_batch", round(stats.scheduler().meanAdaptersPerBatch()));
            return m;
        }
    }

    private static EngineConfig config(Path modelDir, Path adaptersDir, Settings s, String policy) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(EngineConfig.MODEL_DIR, modelDir.toString());
        p.put(EngineConfig.ADAPTERS_DIR, adaptersDir.toString());
        p.put(EngineConfig.MAX_LORAS, s.maxLoras());
        p.put(EngineConfig.MAX_CPU_LORAS, s.maxCpuLoras());
        p.put(EngineConfig.MAX_NUM_SEQS, s.maxNumSeqs());
        p.put(EngineConfig.MAX_NUM_BATCHED_TOKENS, Math.max(256, s.maxNumSeqs()));
        p.put(EngineConfig.SCHEDULING_POLICY, policy);
        p.put(EngineConfig.MAX_QUEUE_WAIT_MS, s.maxQueueWaitMs());
        // A bulk run submits every request at once: none may be refused as overloaded.
        p.put(EngineConfig.MAX_WAITING_REQUESTS, Math.max(4096, s.requests()));
        return new EngineConfig(p);
    }

    private static GenerationRequest request(int i, int adapter, Settings s) {
        SplittableRandom r = new SplittableRandom(s.seed() * 31 + i);
        int[] prompt = new int[s.promptTokens()];
        prompt[0] = 1;
        for (int j = 1; j < prompt.length; j++) {
            prompt[j] = 10 + r.nextInt(200);
        }
        SamplingParams sampling = new SamplingParams(s.maxTokens(), 0, 0, 1, null, List.of(), List.of());
        return GenerationRequest.ofTokens("r" + i, String.format("a-%02d", adapter), prompt, sampling);
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

}
