package dev.loraq.batchapi.cli;

import dev.loraq.tools.cli.LoraqCli;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code bin/loraq} launcher's main class: the tools' {@code loraq} command with {@code batch-api} added. The
 * server lives in this module, above the tools, so the tools never import it (no upward import, no cycle).
 */
public final class LoraqMain {

    private LoraqMain() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs {@code loraq} (with {@code batch-api}) on the given streams; returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine server = new CommandLine(new BatchApiCommand());
        server.getCommandSpec().usageMessage().footer(BatchApiCommand.keysHelp());
        return LoraqCli.execute(LoraqCli.commandLine(out, err, Map.of("batch-api", server)), args);
    }
}
