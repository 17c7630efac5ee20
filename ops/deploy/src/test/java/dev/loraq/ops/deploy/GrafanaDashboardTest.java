package dev.loraq.ops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus alert rules query only metrics and labels the service really exposes
 * (names taken from a scrape of the real ServiceMetrics, not from a list kept by hand).
 */
class GrafanaDashboardTest {

    /** Labels Prometheus adds at scrape time. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    private static final Pattern METRIC = Pattern.compile("\\bloraq_[a-zA-Z0-9_]+");
    private static final Pattern SELECTOR = Pattern.compile("\\b(loraq_[a-zA-Z0-9_]+)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");

    @TempDir
    static Path workDir;

    private static ServiceMetricsScrape scrape;
    private static JsonNode dashboard;

    @BeforeAll
    static void collect() throws IOException, InterruptedException {
        scrape = ServiceMetricsScrape.collect(workDir);
        dashboard = new ObjectMapper().readTree(RepositoryFiles.file("ops/grafana/dashboards/loraq.json").toFile());
    }

    /** Problems with one PromQL expression: unknown metrics, unknown labels in selectors or groupings. */
    private static List<String> check(String where, String expr) {
        List<String> problems = new ArrayList<>();
        Set<String> metrics = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            metrics.add(m.group());
        }
        for (String metric : metrics) {
            if (!scrape.labelsByMetric.containsKey(metric)) {
                problems.add(where + ": " + metric + " is not exposed by the service");
            }
        }
        Matcher s = SELECTOR.matcher(expr);
        while (s.find()) {
            Set<String> known = scrape.labelsByMetric.getOrDefault(s.group(1), Set.of());
            Matcher l = MATCHER.matcher(s.group(2));
            while (l.find()) {
                if (!TARGET_LABELS.contains(l.group(1)) && !known.contains(l.group(1))) {
                    problems.add(where + ": " + s.group(1) + " has no label " + l.group(1) + " (it has " + known + ")");
                }
            }
        }
        Matcher g = GROUPING.matcher(expr);
        while (g.find()) {
            for (String label : g.group(1).split(",")) {
                String name = label.strip();
                if (!name.isEmpty() && !TARGET_LABELS.contains(name)
                        && metrics.stream().noneMatch(metric -> scrape.labelsByMetric.getOrDefault(metric, Set.of()).contains(name))) {
                    problems.add(where + ": groups by " + name + ", a label none of " + metrics + " has");
                }
            }
        }
        return problems;
    }

    private static List<JsonNode> panels() {
        return RepositoryFiles.elements(dashboard.path("panels"));
    }

    @Test
    void shouldExposeTheMetricsTheDashboardIsBuiltOn() {
        // Guards the scrape itself: if these are missing the checks below would prove little.
        for (String metric : List.of("loraq_adapter_hits_total", "loraq_completion_tokens_total", "loraq_engine_queue_depth",
                "loraq_consumer_lag", "loraq_adapter_load_time_seconds_count", "loraq_completions_total", "loraq_engine_batch_size_mean",
                "loraq_engine_batch_adapters_mean", "loraq_request_time_to_first_token_seconds_bucket",
                "loraq_request_inter_token_latency_seconds_bucket", "loraq_request_queue_time_seconds_bucket",
                "loraq_engine_adapter_running", "loraq_engine_adapter_hits_total", "loraq_engine_adapter_load_time_seconds_bucket",
                "loraq_engine_requests_running", "loraq_engine_requests_waiting")) {
            assertTrue(scrape.labelsByMetric.containsKey(metric), metric + " missing from the scrape: " + scrape.labelsByMetric.keySet());
        }
        assertTrue(scrape.labelsByMetric.get("loraq_engine_queue_depth").contains("adapter"));
        assertTrue(scrape.labelsByMetric.get("loraq_adapter_hits_total").contains("tier"));
        assertTrue(scrape.labelsByMetric.get("loraq_engine_adapter_running").contains("adapter"));
        assertEquals(Set.of("class", "le"), scrape.labelsByMetric.get("loraq_request_time_to_first_token_seconds_bucket"));
        assertEquals(Set.of("class", "tier"), scrape.labelsByMetric.get("loraq_engine_adapter_hits_total"));
    }

    @Test
    void shouldQueryOnlyMetricsAndLabelsTheServiceExposes() {
        List<String> problems = new ArrayList<>();
        int expressions = 0;
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                expressions++;
                problems.addAll(check("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            problems.addAll(check("variable " + variable.path("name").asText(), variable.path("definition").asText()));
            problems.addAll(check("variable " + variable.path("name").asText(), variable.path("query").path("query").asText()));
        }
        assertEquals(List.of(), problems);
        assertTrue(expressions >= 10, "only " + expressions + " queries");
    }

    @Test
    void shouldDetectAMetricTheServiceDoesNotExpose() {
        // The check can fail: a misspelt metric, a label the meter lacks and a grouping label nobody has are reported.
        List<String> problems = check("t", "sum by (tenant) (rate(loraq_adapter_hit_total[5m])) + loraq_consumer_lag{adapter=\"x\"}");
        assertEquals(3, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("loraq_adapter_hit_total is not exposed"), problems::toString);
        assertTrue(problems.get(1).contains("loraq_consumer_lag has no label adapter"), problems::toString);
        assertTrue(problems.get(2).contains("groups by tenant"), problems::toString);
    }

    @Test
    void shouldAlertOnlyOnMetricsAndLabelsTheServiceExposes() {
        JsonNode rules = RepositoryFiles.yaml(RepositoryFiles.file("ops/prometheus/alerts.yml"));
        List<String> problems = new ArrayList<>();
        int count = 0;
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                count++;
                assertFalse(rule.path("alert").asText().isEmpty(), "a rule without a name: " + rule);
                problems.addAll(check("alert " + rule.path("alert").asText(), rule.path("expr").asText()));
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(count >= 4, "only " + count + " alert rules");
    }

    @Test
    void shouldCoverTheOperatorsQuestions() {
        List<String> titles = panels().stream().map(p -> p.path("title").asText().toLowerCase()).toList();
        for (String topic : List.of("warm-hit rate", "tokens/s", "queue depth per adapter", "consumer lag", "adapter loads",
                "adapter load time", "error completions", "batch size", "adapters per batch", "time to first token",
                "inter-token latency", "queue time by request class", "running requests per adapter", "cache hits by tier",
                "load time by tier")) {
            assertTrue(titles.stream().anyMatch(t -> t.contains(topic)), "no panel about " + topic + ": " + titles);
        }
    }

    @Test
    void shouldUseTheProvisionedDatasource() {
        JsonNode datasource = RepositoryFiles.yaml(RepositoryFiles.file("ops/grafana/provisioning/datasources/prometheus.yml")).path("datasources").get(0);
        String uid = datasource.path("uid").asText();
        assertEquals("prometheus", datasource.path("type").asText());
        List<String> problems = new ArrayList<>();
        for (JsonNode panel : panels()) {
            if (!uid.equals(panel.path("datasource").path("uid").asText())) {
                problems.add("panel '" + panel.path("title").asText() + "' uses datasource " + panel.path("datasource"));
            }
            if (panel.path("targets").isEmpty()) {
                problems.add("panel '" + panel.path("title").asText() + "' has no query");
            }
        }
        assertEquals(List.of(), problems);
        assertFalse(dashboard.path("uid").asText().isEmpty(), "a provisioned dashboard needs a fixed uid");
    }
}
