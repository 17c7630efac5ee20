package dev.loraq.engine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loraq-engine}'s engine tools: synthetic models, one-off generation, logits for parity checks, benchmarks. */
@Command(name = "loraq-engine", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "The loraq multi-LoRA inference engine's tools.",
        subcommands = {SynthModelCommand.class, GenerateCommand.class, LogitsCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class EngineCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new EngineCli()).execute(args));
    }
}
