package dev.loraq.reliability;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops/reliability.sh SCENARIO}: fault-injection runs against a real broker, registry and engine processes. */
@Command(name = "reliability", mixinStandardHelpOptions = true,
        description = "Fault-injection scenarios, each printing one JSON line of figures and exiting 0 only when nothing was "
                + "lost, duplicated or misrouted.",
        subcommands = {KillLoopScenario.class, BrokerRestartScenario.class, GroupChurnScenario.class, FuzzScenario.class,
                BacklogScenario.class})
public final class ReliabilityCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReliabilityCommand()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
