package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.dlq.DeadLetterCodes;
import dev.loraq.tools.dlq.DeadLetterReader;
import dev.loraq.tools.dlq.DeadLetterReplayer;
import dev.loraq.tools.dlq.DeadLetterScan;
import dev.loraq.tools.dlq.ReplayResult;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq dlq replay --code C [--since T] [--to TOPIC] [--dry-run] [--force]}: republish in one transaction. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Republish the original key, value and headers of the matching dead letters, unchanged, to their "
                + "source topic in one transaction. Running it twice publishes twice: use --dry-run first and "
                + "continue with the printed --from-offsets.")
final class DlqReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DeadLetterOptions selection;

    @Option(names = "--code", required = true, paramLabel = "CODE", description = "Replay the letters of this error_code.")
    String code;

    @Option(names = "--to", paramLabel = "TOPIC", description = "Publish to this topic instead of each letter's source_topic.")
    String toTopic;

    @Option(names = "--dry-run", description = "Print what would be replayed; publish nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Replay codes whose records cannot succeed as they are (wire_format, avro_decode, no_request_id, tombstone).")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> notReplayable = DeadLetterCodes.whyNotReplayable(code);
        if (notReplayable.isPresent() && !force) {
            err.println("loraq dlq replay: refusing to replay error_code " + code + ": " + notReplayable.get()
                    + ". Nothing was published; add --force to replay these bytes anyway.");
            return ExitCodes.INVALID_INPUT;
        }
        ToolsConfig config = connection.toolsConfig();
        DeadLetterScan scan;
        try {
            scan = new DeadLetterReader(config).read(selection.query(spec, code));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from-offsets: " + e.getMessage());
        }
        ReplayResult result = new DeadLetterReplayer(config).replay(scan.matching(), toTopic, dryRun);
        result.skipped().forEach(line -> err.println("loraq dlq replay: skipped " + line));
        if (dryRun) {
            result.replayed().forEach(entry -> out.println("would replay " + DlqListCommand.line(entry) + " -> "
                    + (toTopic != null ? toTopic : entry.letter().getSourceTopic())));
        }
        String topics = result.perTopic().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
        out.println((dryRun ? "would replay " : "replayed ") + result.replayed().size() + " dead letter(s) with error_code "
                + code + (topics.isEmpty() ? "" : " to " + topics) + (dryRun || result.replayed().isEmpty() ? "" : " in one transaction"));
        err.println("loraq dlq replay: " + scan.scanned() + " dead letter(s) read from " + config.dlqTopic()
                + "; to continue after them next time: --from-offsets " + scan.nextFromOffsets());
        return ExitCodes.OK;
    }
}
