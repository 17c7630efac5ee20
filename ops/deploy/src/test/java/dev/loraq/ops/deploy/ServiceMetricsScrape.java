package dev.loraq.ops.deploy;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.service.inference.InferenceRequest;
import dev.loraq.service.inference.InferenceResult;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.metrics.ServiceMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and label names the service really exposes: a real {@link ServiceMetrics} fed by a real engine
 * (a tiny synthetic model with two adapters), scraped in the Prometheus text format. Meters that only appear once
 * something happened (completions by status, dead letters by code, adapter tiers, per-adapter queue depth,
 * per-partition lag) are made to appear by driving the engine and calling the service's own recording methods.
 */
final class ServiceMetricsScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    /** Metric name to the label names seen on it. */
    final Map<String, Set<String>> labelsByMetric = new TreeMap<>();

    private ServiceMetricsScrape() {
    }

    static ServiceMetricsScrape collect(Path workDir) throws IOException, InterruptedException {
        ServiceMetricsScrape scrape = new ServiceMetricsScrape();
        Path modelDir = workDir.resolve("model");
        ModelConfig config = SyntheticModelFolder.write(modelDir, ModelPreset.TINY, 3);
        List<String> adapters = SyntheticModelFolder.writeAdapters(workDir.resolve("adapters"), config, "ad", 2, List.of(4),
                Set.of(Projection.Q, Projection.V), 5);
        ServiceMetrics metrics = new ServiceMetrics();
        Map<String, Long> lag = Map.of("loraq.prompts-0", 7L);
        try (LocalEngine engine = LocalEngine.open(Map.of(
                "model.dir", modelDir.toString(),
                "adapters.dir", workDir.resolve("adapters").toString(),
                // Two host entries: with max.cpu.loras=1 the engine stalls when it has to swap adapters (reported).
                "max.num.seqs", "1", "max.loras", "1", "max.cpu.loras", "2", "threads", "1"))) {
            engine.observe(metrics.engineObserver());
            // One sequence at a time and many requests: requests wait per adapter, so queue depth has rows.
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(engine.submit(new InferenceRequest("r" + i, adapters.get(i % 2), "hello " + i, null,
                        SamplingParams.seeded(128, 1.0, i), 0)));
            }
            boolean sawQueue = false;
            CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
            while (!all.isDone() && !sawQueue) {
                metrics.sample(engine, futures.size(), lag);
                String text = metrics.scrape();
                sawQueue = text.contains("loraq_engine_queue_depth{") && text.contains("loraq_engine_adapter_running{");
                if (sawQueue) {
                    scrape.add(text);
                }
                Thread.sleep(2);
            }
            try {
                all.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the engine did not complete the test requests", e);
            }
            for (CompletableFuture<InferenceResult> future : futures) {
                InferenceResult result = future.join();
                metrics.recordIn();
                metrics.completion("OK", null);
                metrics.adapterUse(result.adapterLoad(), result.adapterLoadMs());
                metrics.tokens(result.completionTokens());
            }
            metrics.adapterUse(AdapterLoadKind.WARM, 0);
            metrics.adapterUse(AdapterLoadKind.HOST, 1);
            metrics.adapterUse(AdapterLoadKind.DISK, 12);
            metrics.adapterUse(AdapterLoadKind.NONE, 0);
            metrics.completion("ERROR", "unknown_adapter");
            metrics.deadLetter("avro_decode");
            metrics.recordSkipped();
            metrics.resultDropped();
            metrics.committed(futures.size());
            metrics.aborted();
            metrics.sample(engine, 0, lag);
            scrape.add(metrics.scrape());
        }
        return scrape;
    }

    private void add(String text) {
        for (String line : text.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> labels = labelsByMetric.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
    }
}
