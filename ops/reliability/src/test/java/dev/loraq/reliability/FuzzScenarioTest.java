package dev.loraq.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The short CI version of the fuzz run: every kind of bad record, a few of each, through a real broker, registry and
 * engine process; each one must come back exactly once with its reason while the good job completes.
 */
class FuzzScenarioTest {

    @Test
    void everyKindOfBadRecordIsAccountedForExactlyOnceAndTheGoodJobCompletes(@TempDir Path dir) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new ReliabilityCommand()).execute("fuzz", "--bad", "220", "--big", "1", "--good", "20",
                    "--dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        String line = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(output));
        JsonNode figures = new ObjectMapper().readTree(line);

        assertEquals(220, figures.get("bad_records").asInt(), line);
        assertEquals(220, figures.get("accounted_exactly_once").asInt(), line);
        assertEquals(0, figures.get("good_lost").asInt(), line);
        assertEquals(0, figures.get("good_duplicated").asInt(), line);
        assertTrue(figures.get("engine_alive").asBoolean(), line);
        assertEquals(22, figures.get("kinds").size(), "every kind generated: " + line);
        assertEquals(0, exit, line);
    }
}
