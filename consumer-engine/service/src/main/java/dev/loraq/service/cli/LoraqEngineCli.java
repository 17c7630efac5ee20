package dev.loraq.service.cli;

import dev.loraq.engine.cli.EngineCli;
import dev.loraq.online.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code loraq-engine} launcher: {@code run} (the Kafka consumer service) plus every tool of the engine's own
 * command line ({@link EngineCli}: synth-model, generate, ...), taken from it so that new engine tools appear here
 * without a change.
 */
@Command(name = "loraq-engine", mixinStandardHelpOptions = true,
        description = "The loraq consumer engine: the Kafka service (run), the OpenAI-compatible API alone (serve) and the inference engine's tools.")
public final class LoraqEngineCli {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(commandLine().execute(args));
    }

    /** The full command tree. */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new LoraqEngineCli());
        CommandLine run = new CommandLine(new RunCommand());
        run.getCommandSpec().usageMessage().footer(RunCommand.keyReference());
        root.addSubcommand("run", run);
        CommandLine serve = new CommandLine(new ServeCommand());
        serve.getCommandSpec().usageMessage().footer(ServeCommand.keyReference());
        root.addSubcommand("serve", serve);
        CommandLine engineTools = new CommandLine(new EngineCli());
        for (CommandLine tool : new java.util.LinkedHashSet<>(engineTools.getSubcommands().values())) {
            if (!root.getSubcommands().containsKey(tool.getCommandName())) {
                root.addSubcommand(tool.getCommandName(), tool);
            }
        }
        return root;
    }
}
