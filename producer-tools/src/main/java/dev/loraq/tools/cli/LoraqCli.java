package dev.loraq.tools.cli;

import dev.loraq.tools.kafka.PipelineException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loraq} command: job submission, result collection, progress and topic administration. */
@Command(name = "loraq", mixinStandardHelpOptions = true, version = "loraq 0.1.0-SNAPSHOT",
        description = "Submit batch jobs to loraq, collect their results, watch progress, cancel jobs, see usage, manage topics and dead letters.",
        subcommands = {SubmitCommand.class, CollectCommand.class, WatchCommand.class, JobsCommand.class, CancelCommand.class,
                TopicsCommand.class, ProgressServiceCommand.class, DlqCommand.class, AclsCommand.class,
                UsageCommand.class, UsageServiceCommand.class})
public final class LoraqCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed");
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command with the given streams and returns its exit code (see {@link ExitCodes}). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(commandLine(out, err, Map.of()), args);
    }

    /** Runs a command line made by {@link #commandLine} (perhaps with subcommands added) and returns its exit code. */
    public static int execute(CommandLine commandLine, String... args) {
        int code = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return code;
    }

    /**
     * The {@code loraq} command line with its error handling, and {@code extra} subcommands by name: a module above
     * the tools (the Batch HTTP API) adds its own this way, so the tools never import that module.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, CommandLine> extra) {
        CommandLine commandLine = new CommandLine(new LoraqCli());
        extra.forEach(commandLine::addSubcommand);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            if (e instanceof PipelineException pipeline) {
                cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + pipeline.getMessage());
                cl.getErr().flush();
                return ExitCodes.of(pipeline);
            }
            RuntimeException denied = dev.loraq.tools.kafka.AccessDenied.find(e);
            if (denied != null) {
                // A path without its own translation: Kafka's message still names the refused resource.
                cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": not authorized or not authenticated: "
                        + denied.getClass().getSimpleName() + ": " + denied.getMessage() + " (see: loraq acls --help)");
                cl.getErr().flush();
                return ExitCodes.NOT_AUTHORIZED;
            }
            if (e instanceof org.apache.kafka.common.config.ConfigException config) {
                cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": invalid setting: " + config.getMessage());
                cl.getErr().flush();
                return ExitCodes.USAGE;
            }
            cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + e);
            cl.getErr().flush();
            return ExitCodes.FAILED;
        });
        return commandLine;
    }
}
