package dev.loraq.tools.cli;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.dlq.DeadLetterEntry;
import dev.loraq.tools.dlq.DeadLetterReader;
import dev.loraq.tools.dlq.DeadLetterScan;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq dlq list [--code C] [--since T] [--limit N]}: one line per dead letter. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Print the dead letters (read_committed), ordered by source topic, partition and offset: "
                + "dlq partition:offset, failed_at, error_code, source topic/partition/offset, message.")
final class DlqListCommand implements Callable<Integer> {

    static final int MESSAGE_WIDTH = 120;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DeadLetterOptions selection;

    @Option(names = "--code", paramLabel = "CODE", description = "Only this error_code (e.g. output_topic_missing).")
    String code;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Print at most N letters. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        ToolsConfig config = connection.toolsConfig();
        DeadLetterScan scan;
        try {
            scan = new DeadLetterReader(config).read(selection.query(spec, code));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from-offsets: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        scan.matching().stream().limit(limit).forEach(entry -> out.println(line(entry)));
        int shown = Math.min(limit, scan.matching().size());
        spec.commandLine().getErr().println("loraq dlq list: " + shown + " of " + scan.matching().size() + " matching dead letter(s) shown ("
                + scan.scanned() + " read from " + config.dlqTopic() + "; next --from-offsets " + scan.nextFromOffsets() + ")");
        return ExitCodes.OK;
    }

    static String line(DeadLetterEntry entry) {
        DeadLetter letter = entry.letter();
        return entry.coordinates() + " " + letter.getFailedAt() + " " + letter.getErrorCode() + " " + entry.source() + " "
                + truncate(letter.getErrorMessage().toString().replaceAll("\\s+", " "));
    }

    private static String truncate(String message) {
        return message.length() <= MESSAGE_WIDTH ? message : message.substring(0, MESSAGE_WIDTH - 3) + "...";
    }
}
