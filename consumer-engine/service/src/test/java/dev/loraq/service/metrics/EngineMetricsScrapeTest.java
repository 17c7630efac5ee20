package dev.loraq.service.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.Engine;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.service.inference.LocalEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's metrics as a Prometheus server sees them: a real engine (synthetic model, three adapters) reporting to
 * a real {@link ServiceMetrics}, scraped over HTTP from the real {@link MetricsEndpoint} after interactive and batch
 * requests. Counts must match what the requests did; per-adapter gauges keep at most metrics.adapter.labels.max names.
 */
class EngineMetricsScrapeTest {

    private static final Pattern ADAPTER_LABEL = Pattern.compile("adapter=\"([^\"]*)\"");

    @TempDir
    Path dir;

    private static String get(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** The value of the sample with exactly this name and label set (labels in Micrometer's order), or NaN. */
    private static double value(String scrape, String series) {
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** Sum of a gauge over all its rows and the adapter labels seen. */
    private static double sum(String scrape, String metric, Set<String> adapters) {
        double total = 0;
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(metric + "{")) {
                Matcher m = ADAPTER_LABEL.matcher(line);
                if (m.find()) {
                    adapters.add(m.group(1));
                }
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    @Test
    void shouldExposeLatencyHistogramsCacheHitsLoadTimesAndBoundedAdapterGauges() throws Exception {
        ModelConfig config = SyntheticModelFolder.write(dir.resolve("model"), ModelPreset.TINY, 3);
        List<String> adapters = SyntheticModelFolder.writeAdapters(dir.resolve("adapters"), config, "ad", 3, List.of(4),
                Set.of(Projection.Q, Projection.V), 5);
        ServiceMetrics metrics = new ServiceMetrics(1);
        Engine engine = Engine.open(new EngineConfig(Map.of("model.dir", dir.resolve("model").toString(),
                "adapters.dir", dir.resolve("adapters").toString(), "max.num.seqs", "2", "max.loras", "3",
                "max.cpu.loras", "3", "threads", "1")));
        HttpClient http = HttpClient.newHttpClient();
        try (LocalEngine local = LocalEngine.wrap(engine);
             MetricsEndpoint endpoint = new MetricsEndpoint("127.0.0.1", 0, metrics::scrape, () -> null, () -> null)) {
            local.observe(metrics.engineObserver());
            List<CompletableFuture<GenerationResult>> interactive = new ArrayList<>();
            List<CompletableFuture<GenerationResult>> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                GenerationRequest r = GenerationRequest.ofPrompt("r" + i, adapters.get(i % 3), "hello " + i,
                        SamplingParams.seeded(24, 1.0, i));
                (i % 3 == 0 ? interactive : batch).add(engine.submit(i % 3 == 0 ? r.withRequestClass(RequestClass.INTERACTIVE) : r));
            }
            List<CompletableFuture<GenerationResult>> all = new ArrayList<>(interactive);
            all.addAll(batch);
            CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
            // While requests wait: per-adapter gauges name one adapter at most, the rest are "other", nothing is lost.
            boolean sawOther = false;
            while (!done.isDone()) {
                metrics.sample(local, 0, Map.of());
                String text = get(http, endpoint.port());
                Set<String> depthLabels = new TreeSet<>();
                double waiting = sum(text, "loraq_engine_queue_depth", depthLabels);
                assertEquals(value(text, "loraq_engine_requests_waiting{class=\"batch\"}")
                        + value(text, "loraq_engine_requests_waiting{class=\"interactive\"}"), waiting, text);
                Set<String> runningLabels = new TreeSet<>();
                assertEquals(value(text, "loraq_engine_running"), sum(text, "loraq_engine_adapter_running", runningLabels), text);
                sawOther |= depthLabels.contains(AdapterLabels.OTHER);
                for (Set<String> named : List.of(depthLabels, runningLabels)) {
                    named.remove(AdapterLabels.OTHER);
                    assertTrue(named.size() <= 1, "at most one adapter named: " + named);
                }
            }
            done.get(60, TimeUnit.SECONDS);
            assertTrue(sawOther, "a sample where less active adapters were summed under other");

            String text = get(http, endpoint.port());
            for (RequestClass c : RequestClass.values()) {
                List<GenerationResult> results = (c == RequestClass.INTERACTIVE ? interactive : batch).stream().map(CompletableFuture::join).toList();
                String cls = "{class=\"" + c.name().toLowerCase() + "\"}";
                long withTokens = results.stream().filter(r -> r.completionTokens() > 0).count();
                long later = results.stream().mapToLong(r -> Math.max(0, r.completionTokens() - 1)).sum();
                assertEquals(results.size(), value(text, "loraq_request_queue_time_seconds_count" + cls), "queue time " + cls);
                assertEquals(withTokens, value(text, "loraq_request_time_to_first_token_seconds_count" + cls), "ttft " + cls);
                assertEquals(later, value(text, "loraq_request_inter_token_latency_seconds_count" + cls), "itl " + cls);
                assertTrue(later > 0, "the test needs inter-token gaps");
                double hits = 0;
                for (String tier : List.of("warm", "host", "disk", "none")) {
                    hits += value(text, "loraq_engine_adapter_hits_total{class=\"" + c.name().toLowerCase() + "\",tier=\"" + tier + "\"}");
                }
                assertEquals(results.size(), hits, "every admission is a hit in one tier " + cls);
                // SLO buckets: the last finite bucket of each histogram holds every sample below it.
                assertEquals(withTokens, value(text, "loraq_request_time_to_first_token_seconds_bucket{class=\""
                        + c.name().toLowerCase() + "\",le=\"+Inf\"}"), text);
                assertTrue(text.contains("loraq_request_time_to_first_token_seconds_bucket{class=\"" + c.name().toLowerCase() + "\",le=\"0.1\"}"));
                assertTrue(text.contains("loraq_request_inter_token_latency_seconds_bucket{class=\"" + c.name().toLowerCase() + "\",le=\"0.05\"}"));
            }
            assertEquals(3, value(text, "loraq_engine_adapter_load_time_seconds_count{tier=\"disk\"}"), "each adapter read from disk once");
            assertTrue(value(text, "loraq_engine_adapter_load_time_seconds_count{tier=\"host\"}") >= 3, "and installed into a slot");
            assertTrue(value(text, "loraq_engine_adapter_hits_total{class=\"batch\",tier=\"warm\"}") > 0, text);
        }
    }

    @Test
    void shouldKeepTheMostActiveAdaptersAndSumTheRestUnderOther() {
        AdapterLabels labels = new AdapterLabels(2);
        Set<String> named = labels.named(Map.of("a", 1, "b", 5), Map.of("c", 3, "a", 1, "other", 9, "d", 3));
        assertEquals(Set.of("b", "c"), named, "b (5), then c and d tie at 3 and c sorts first; a real 'other' is never named");
        assertEquals(Map.of("b", 5, "other", 1), AdapterLabels.relabel(Map.of("a", 1, "b", 5), named));
        assertEquals(Map.of("other", 13), AdapterLabels.relabel(Map.of("a", 1, "other", 9, "d", 3), Set.of()));
        assertEquals(Set.of(), new AdapterLabels(0).named(Map.of("a", 1), Map.of()));
    }
}
