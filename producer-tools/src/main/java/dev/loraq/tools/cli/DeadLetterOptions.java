package dev.loraq.tools.cli;

import dev.loraq.tools.dlq.DeadLetterQuery;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options of the dlq commands that select dead letters: time and offset bounds (the code is per command). */
final class DeadLetterOptions {

    @Option(names = "--since", paramLabel = "ISO-TIME",
            description = "Only letters that failed at or after this time, e.g. 2026-11-05T10:00:00Z or 2026-11-05T11:00:00+01:00.")
    String since;

    @Option(names = "--from-offsets", paramLabel = "P:O[,P:O...]",
            description = "Start reading the dead-letter topic at these offsets (inclusive) of its partitions; "
                    + "replay prints the value that continues after it.")
    String fromOffsets;

    DeadLetterQuery query(CommandSpec spec, String code) {
        return new DeadLetterQuery(code, parseSince(spec), parseOffsets(spec));
    }

    private Instant parseSince(CommandSpec spec) {
        if (since == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(since).toInstant();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--since must be an ISO-8601 time with a zone offset, "
                    + "e.g. 2026-11-05T10:00:00Z, got '" + since + "'");
        }
    }

    private Map<Integer, Long> parseOffsets(CommandSpec spec) {
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        if (fromOffsets == null || fromOffsets.isBlank()) {
            return offsets;
        }
        for (String pair : fromOffsets.split(",")) {
            String[] parts = pair.trim().split(":");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                int partition = Integer.parseInt(parts[0].trim());
                long offset = Long.parseLong(parts[1].trim());
                if (partition < 0 || offset < 0 || offsets.put(partition, offset) != null) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--from-offsets must be PARTITION:OFFSET pairs "
                        + "separated by commas, each partition once, e.g. 0:12,1:40; bad part '" + pair + "'");
            }
        }
        return offsets;
    }
}
