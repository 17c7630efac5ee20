package dev.loraq.ops.charts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Turns {@code loraq-engine bench} JSON lines into PNG charts for docs/benchmarks.md:
 * <ul>
 *   <li>{@code affinity}: warm-hit rate and queue wait (p50, p99), FIFO against affinity admission, one bar group
 *       per run ({@value #WARM_HIT_CHART}, {@value #WAIT_CHART});</li>
 *   <li>{@code batch-sweep}: decode throughput against batch size (one line per number of distinct adapters) and
 *       against distinct adapters (one line per batch size) ({@value #BATCH_CHART}, {@value #ADAPTERS_CHART}).</li>
 * </ul>
 * Other scenarios are skipped with a message. Usage: {@code BenchCharts [--out DIR] FILE...} ('-' reads stdin);
 * the default output folder is {@value #DEFAULT_OUTPUT}.
 */
public final class BenchCharts {

    static {
        // Charts are drawn off-screen; without this a machine without a display fails on the first font lookup.
        System.setProperty("java.awt.headless", "true");
    }

    public static final String DEFAULT_OUTPUT = "docs/img";
    public static final String WARM_HIT_CHART = "affinity-warm-hit-rate.png";
    public static final String WAIT_CHART = "affinity-queue-wait.png";
    public static final String BATCH_CHART = "throughput-vs-batch-size.png";
    public static final String ADAPTERS_CHART = "throughput-vs-adapters.png";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private BenchCharts() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(DEFAULT_OUTPUT);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        usage("--out needs a folder");
                    }
                    out = Path.of(args[++i]);
                }
                case "-h", "--help" -> {
                    System.out.println(usageText());
                    return;
                }
                default -> inputs.add(args[i]);
            }
        }
        if (inputs.isEmpty()) {
            usage("no input: give bench JSON-lines files, or '-' for stdin");
        }
        List<BenchRecord> records = new ArrayList<>();
        try {
            for (String input : inputs) {
                if (input.equals("-")) {
                    records.addAll(BenchRecord.read(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), "<stdin>"));
                } else {
                    try (BufferedReader reader = Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
                        records.addAll(BenchRecord.read(reader, input));
                    }
                }
            }
            List<Path> written = write(records, out, System.err);
            written.forEach(path -> System.out.println("wrote " + path));
            if (written.isEmpty()) {
                System.err.println("bench-charts: no chartable scenario (affinity, batch-sweep) in the input; nothing written");
                System.exit(1);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench-charts: " + e.getMessage());
            System.exit(2);
        }
    }

    private static String usageText() {
        return "Usage: bench-charts [--out DIR] FILE...   (bench JSON lines; '-' = stdin; default DIR " + DEFAULT_OUTPUT + ")";
    }

    private static void usage(String problem) {
        System.err.println("bench-charts: " + problem);
        System.err.println(usageText());
        System.exit(2);
    }

    /**
     * Draws every chart the records allow into {@code outputDir}; unknown scenarios are reported on
     * {@code messages} and skipped.
     *
     * @return the files written
     * @throws IllegalArgumentException naming the line when a chartable record lacks a figure
     */
    public static List<Path> write(List<BenchRecord> records, Path outputDir, PrintStream messages) throws IOException {
        List<AffinityComparison> affinity = new ArrayList<>();
        List<BatchSweepPoint> sweep = new ArrayList<>();
        for (BenchRecord record : records) {
            switch (record.scenario()) {
                case AffinityComparison.SCENARIO -> affinity.add(AffinityComparison.of(record));
                case BatchSweepPoint.SCENARIO -> sweep.addAll(BatchSweepPoint.of(record));
                default -> messages.println("bench-charts: " + record.where() + ": no chart for scenario '" + record.scenario()
                        + "'; skipped (charted: " + AffinityComparison.SCENARIO + ", " + BatchSweepPoint.SCENARIO + ")");
            }
        }
        List<Path> written = new ArrayList<>();
        if (!affinity.isEmpty() || !sweep.isEmpty()) {
            Files.createDirectories(outputDir);
        }
        if (!affinity.isEmpty()) {
            List<String> labels = uniqueLabels(affinity);
            written.add(save(warmHitChart(affinity, labels), outputDir.resolve(WARM_HIT_CHART)));
            written.add(save(waitChart(affinity, labels), outputDir.resolve(WAIT_CHART)));
        }
        if (!sweep.isEmpty()) {
            written.add(save(throughputChart(sweep, true), outputDir.resolve(BATCH_CHART)));
            written.add(save(throughputChart(sweep, false), outputDir.resolve(ADAPTERS_CHART)));
        }
        return written;
    }

    private static List<String> uniqueLabels(List<AffinityComparison> runs) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (AffinityComparison run : runs) {
            int n = seen.merge(run.label(), 1, Integer::sum);
            labels.add(n == 1 ? run.label() : run.label() + " #" + n);
        }
        return labels;
    }

    private static CategoryChart warmHitChart(List<AffinityComparison> runs, List<String> labels) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Warm-hit rate: FIFO vs adapter-affinity admission").xAxisTitle("run").yAxisTitle("warm-hit rate (%)").build();
        style(chart.getStyler());
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setYAxisDecimalPattern("#0.#");
        chart.addSeries("FIFO", labels, runs.stream().map(r -> (Number) (100 * r.fifoWarmHitRate())).toList());
        chart.addSeries("affinity", labels, runs.stream().map(r -> (Number) (100 * r.affinityWarmHitRate())).toList());
        return chart;
    }

    private static CategoryChart waitChart(List<AffinityComparison> runs, List<String> labels) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Queue wait: FIFO vs adapter-affinity admission").xAxisTitle("run").yAxisTitle("wait (s)").build();
        style(chart.getStyler());
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisMin(0.0).setYAxisDecimalPattern("#0.0#");
        chart.addSeries("FIFO p50", labels, runs.stream().map(r -> (Number) (r.fifoP50WaitMs() / 1000)).toList());
        chart.addSeries("affinity p50", labels, runs.stream().map(r -> (Number) (r.affinityP50WaitMs() / 1000)).toList());
        chart.addSeries("FIFO p99", labels, runs.stream().map(r -> (Number) (r.fifoP99WaitMs() / 1000)).toList());
        chart.addSeries("affinity p99", labels, runs.stream().map(r -> (Number) (r.affinityP99WaitMs() / 1000)).toList());
        return chart;
    }

    /** Against batch size (one series per adapter count), or against adapter count (one series per batch size). */
    private static XYChart throughputChart(List<BatchSweepPoint> points, boolean byBatch) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(byBatch ? "Decode throughput vs batch size" : "Decode throughput vs distinct adapters in a batch")
                .xAxisTitle(byBatch ? "batch size (sequences)" : "distinct adapters in the batch").yAxisTitle("tokens/s").build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setYAxisMin(0.0).setXAxisDecimalPattern("#0").setYAxisDecimalPattern("#0.#");
        // series key -> (x -> tokens/s); a repeated (series, x) keeps the last measurement.
        Map<Integer, TreeMap<Integer, Double>> series = new TreeMap<>();
        for (BatchSweepPoint p : points) {
            int key = byBatch ? p.adapters() : p.batch();
            int x = byBatch ? p.batch() : p.adapters();
            series.computeIfAbsent(key, k -> new TreeMap<>()).put(x, p.tokensPerSecond());
        }
        for (Map.Entry<Integer, TreeMap<Integer, Double>> entry : series.entrySet()) {
            int key = entry.getKey();
            String name = byBatch ? key + (key == 1 ? " adapter" : " adapters") : "batch " + key;
            double[] xs = entry.getValue().keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] ys = entry.getValue().values().stream().mapToDouble(Double::doubleValue).toArray();
            chart.addSeries(name, xs, ys);
        }
        if (new TreeSet<>(points.stream().map(p -> byBatch ? p.batch() : p.adapters()).toList()).size() == 1) {
            // A single x value gives XChart a zero-width axis; widen it so the point is drawn.
            double x = byBatch ? points.getFirst().batch() : points.getFirst().adapters();
            chart.getStyler().setXAxisMin(x - 1).setXAxisMax(x + 1);
        }
        return chart;
    }

    private static void style(Styler styler) {
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setAntiAlias(true);
    }

    private static Path save(Chart<?, ?> chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }
}
