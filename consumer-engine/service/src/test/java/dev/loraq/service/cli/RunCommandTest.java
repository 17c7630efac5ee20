package dev.loraq.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {

    @Test
    void shouldRefuseTheCudaBackendWithoutItsModuleInOneLine(@TempDir Path modelDir) {
        CommandLine cli = LoraqEngineCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("run", "--set", "bootstrap.servers=127.0.0.1:9", "--set",
                "schema.registry.url=http://127.0.0.1:9/apis/ccompat/v7", "--set", "model.dir=" + modelDir,
                "--set", "backend=cuda");
        String out = err.toString().strip();
        assertEquals(2, exit, out);
        assertEquals(1, out.lines().count(), "one line: " + out);
        assertTrue(out.startsWith("Configuration error: ") && out.contains("consumer-engine/engine-cuda")
                && out.contains("loraq-engine-cuda-"), out);
    }
}
