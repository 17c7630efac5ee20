package dev.loraq.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq dlq list|replay}: the consumer engine's dead letters. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List the consumer engine's dead letters, or replay their original records once the cause is fixed.",
        subcommands = {DlqListCommand.class, DlqReplayCommand.class})
final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: list or replay");
    }
}
