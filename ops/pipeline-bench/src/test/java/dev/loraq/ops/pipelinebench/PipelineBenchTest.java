package dev.loraq.ops.pipelinebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(LocalStackExtension.class)
class PipelineBenchTest {

    @Test
    void shouldPrintEngineAndPipelineThroughputOfTheSameWorkloadAsOneJsonLine(LocalStack stack, @TempDir Path dir) throws Exception {
        CommandLine cli = new CommandLine(new PipelineBenchCommand());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url",
                stack.registryUrl(), "--work-dir", dir.toString(), "--requests", "90", "--adapters", "6", "--max-tokens", "4",
                "--rounds", "1", "--max-warm-up-rounds", "1");
        assertEquals(0, exit, out.toString());
        String[] lines = out.toString().strip().split("\n");
        assertEquals(1, lines.length, "one JSON line expected: " + out);
        JsonNode figures = new ObjectMapper().readTree(lines[0]);
        assertEquals(90, figures.get("requests").asInt());
        assertEquals("external", figures.get("stack").asText());
        assertTrue(figures.get("engine_rps").asDouble() > 0, lines[0]);
        assertTrue(figures.get("pipeline_rps").asDouble() > 0, lines[0]);
        assertTrue(figures.get("engine_tokens_per_s").asDouble() > 0, lines[0]);
        assertTrue(figures.get("pipeline_completion_tokens").asLong() > 0, lines[0]);
        double ratio = figures.get("engine_seconds_median").asDouble() / figures.get("pipeline_seconds_median").asDouble();
        // Medians are printed rounded to 1 ms, so allow for that.
        assertEquals(ratio, figures.get("ratio").asDouble(), 0.02 * ratio + 0.002, lines[0]);
        assertEquals(1, figures.get("warm_up_rounds").asInt(), lines[0]);
        // The steady window covers 80% of the results, so it is shorter than the leg and yields a higher rate.
        assertTrue(figures.get("pipeline_steady_rps").asDouble() >= figures.get("pipeline_rps").asDouble() * 0.8, lines[0]);
        assertTrue(figures.get("engine_cpu_ms_per_request").asDouble() > 0, lines[0]);
        assertTrue(figures.get("pipeline_cpu_ms_per_request").asDouble() > 0, lines[0]);
        double starved = figures.get("pipeline_starved_share").asDouble();
        assertTrue(starved >= 0 && starved <= 1, lines[0]);
    }

    @Test
    void shouldRefuseBootstrapServersWithoutRegistryUrl() {
        CommandLine cli = new CommandLine(new PipelineBenchCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("--bootstrap-servers", "127.0.0.1:9"));
        assertTrue(err.toString().contains("--schema-registry-url"), err.toString());
    }
}
