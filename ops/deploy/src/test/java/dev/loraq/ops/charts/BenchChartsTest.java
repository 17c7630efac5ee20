package dev.loraq.ops.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartsTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private static final String SAMPLE = """
            {"scenario":"affinity","preset":"tiny","requests":4000,"adapters":200,"arrival":"burst","arrival_rate_rps":0.0,"fifo":{"warm_hit_rate":0.823,"p50_wait_ms":10392,"p99_wait_ms":14932,"max_wait_ms":15011,"throughput_rps":257.4},"affinity":{"warm_hit_rate":0.952,"p50_wait_ms":9120,"p99_wait_ms":16010,"max_wait_ms":16100,"throughput_rps":281.0}}
            {"scenario":"affinity","preset":"tiny","arrival":"rate","arrival_rate_rps":180.5,"fifo":{"warm_hit_rate":0.61,"p50_wait_ms":40,"p99_wait_ms":900},"affinity":{"warm_hit_rate":0.88,"p50_wait_ms":35,"p99_wait_ms":1200}}
            {"scenario":"decode","tokens_per_s":27.1}
            {"scenario":"batch-sweep","preset":"1b","points":[{"batch":1,"adapters":1,"tokens_per_s":15.2},{"batch":8,"adapters":1,"tokens_per_s":41.0},{"batch":8,"adapters":4,"tokens_per_s":37.5},{"batch":32,"adapters":1,"tokens_per_s":52.9},{"batch":32,"adapters":4,"tokens_per_s":49.0},{"batch":32,"adapters":16,"tokens_per_s":44.1}]}
            """;

    private static List<BenchRecord> records(String text) throws IOException {
        return BenchRecord.read(new BufferedReader(new StringReader(text)), "bench.jsonl");
    }

    @Test
    void shouldWritePngChartsForAffinityAndBatchSweepLines(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        List<Path> written = BenchCharts.write(records(SAMPLE), dir.resolve("img"), new PrintStream(messages, true, StandardCharsets.UTF_8));

        assertEquals(List.of(BenchCharts.WARM_HIT_CHART, BenchCharts.WAIT_CHART, BenchCharts.BATCH_CHART, BenchCharts.ADAPTERS_CHART),
                written.stream().map(p -> p.getFileName().toString()).toList());
        for (Path png : written) {
            byte[] bytes = Files.readAllBytes(png);
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 8), png + " is not a PNG");
            assertTrue(bytes.length > 10_000, png + " is only " + bytes.length + " bytes");
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(900, image.getWidth(), png.toString());
            assertEquals(520, image.getHeight(), png.toString());
            assertTrue(distinctColours(image) > 8, png + " looks blank");
        }
        String text = messages.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("bench.jsonl:3: no chart for scenario 'decode'; skipped"), text);
    }

    private static int distinctColours(BufferedImage image) {
        return (int) Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth())).distinct().limit(100).count();
    }

    @Test
    void shouldWriteNothingWhenNoScenarioHasACharts(@TempDir Path dir) throws IOException {
        List<Path> written = BenchCharts.write(records("{\"scenario\":\"cold-load\",\"ms\":120}\n"), dir.resolve("img"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of(), written);
        assertTrue(Files.notExists(dir.resolve("img")));
    }

    @Test
    void shouldNameTheLineAndFieldOfAMissingFigure() throws IOException {
        List<BenchRecord> records = records("\n{\"scenario\":\"affinity\",\"fifo\":{\"warm_hit_rate\":0.5},\"affinity\":{\"warm_hit_rate\":0.9}}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityComparison.of(records.getFirst()));
        assertEquals("bench.jsonl:2: scenario 'affinity' needs the number field 'fifo.p50_wait_ms'", e.getMessage());
    }

    @Test
    void shouldNameTheLineOfInputThatIsNotJson() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> records("{\"scenario\":\"affinity\"}\nnot json\n"));
        assertTrue(e.getMessage().startsWith("bench.jsonl:2: not JSON"), e.getMessage());
        IllegalArgumentException noScenario = assertThrows(IllegalArgumentException.class, () -> records("{\"fifo\":{}}\n"));
        assertEquals("bench.jsonl:1: missing the string field 'scenario'", noScenario.getMessage());
    }

    @Test
    void shouldRejectABatchSweepPointWithMoreAdaptersThanSequences() throws IOException {
        List<BenchRecord> records = records("{\"scenario\":\"batch-sweep\",\"points\":[{\"batch\":4,\"adapters\":8,\"tokens_per_s\":10}]}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchSweepPoint.of(records.getFirst()));
        assertTrue(e.getMessage().startsWith("bench.jsonl:1: points[0]. needs whole numbers 1 <= adapters <= batch"), e.getMessage());
    }
}
