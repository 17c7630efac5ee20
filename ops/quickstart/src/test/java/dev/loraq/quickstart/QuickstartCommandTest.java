package dev.loraq.quickstart;

import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalStackExtension.class)
class QuickstartCommandTest {

    @Test
    void shouldRunTheDemoJobEndToEndExactlyOnce(LocalStack stack, @TempDir Path work) throws Exception {
        StringWriter text = new StringWriter();
        int code = new CommandLine(new QuickstartCommand(new PrintWriter(text, true))).execute(
                "--work-dir", work.toString(), "--requests-per-tenant", "12", "--max-tokens", "4",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.registryUrl());
        String output = text.toString();
        assertEquals(0, code, output);
        assertTrue(output.contains("exactly once       yes"), output);
        for (String tenant : new String[] {"acme", "globex", "initech"}) {
            assertTrue(output.contains(tenant + "   ") && output.contains("12/12 completed"), output);
            Path results = work.resolve("results").resolve(tenant + ".jsonl");
            long lines = Files.readAllLines(results).stream().filter(l -> !l.isBlank()).count();
            assertEquals(12, lines, "results of " + tenant);
            for (String other : new String[] {"acme", "globex", "initech"}) {
                if (!other.equals(tenant)) {
                    assertTrue(Files.readString(results).lines().noneMatch(l -> l.contains("\"" + other + "-")),
                            other + "'s requests must not appear in " + tenant + "'s results");
                }
            }
        }
        // The OpenAI-format tenant gets OpenAI Batch output lines.
        assertTrue(Files.readString(work.resolve("results/acme.jsonl")).contains("\"custom_id\":\"acme-0\""));
    }
}
