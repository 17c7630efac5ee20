package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.lifecycle.CancelOutcome;
import dev.loraq.tools.lifecycle.JobCanceller;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq cancel JOB --tenant T}: records the job's cancellation on the job-control topic. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: requests not yet started complete as cancelled without compute, running ones are stopped, "
                + "finished ones stay. The job is cancelling, then cancelled once every request has a result.")
final class CancelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant that owns the job.")
    String tenant;

    @Override
    public Integer call() {
        ToolsConfig config = connection.toolsConfig();
        ToolsConfig.requireTenant("--tenant", tenant);
        ToolsConfig.requireId("JOB", job);
        CancelOutcome outcome = new JobCanceller(config).cancel(tenant, job);
        spec.commandLine().getErr().println("loraq cancel: job " + job + " of tenant " + tenant
                + (outcome.alreadyCancelling() ? " was already cancelling" : " is cancelling") + " (" + outcome.before().done()
                + " of " + (outcome.before().total() < 0 ? "?" : outcome.before().total()) + " requests had a result)");
        spec.commandLine().getOut().println(job + " cancelling");
        return ExitCodes.OK;
    }
}
