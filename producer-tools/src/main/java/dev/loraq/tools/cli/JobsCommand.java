package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgress;
import dev.loraq.tools.progress.JobProgressReader;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq jobs}: every job of the progress table with status and request counts. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List jobs with status (validating, in_progress, finalizing, completed, failed, expired, cancelling, "
        + "cancelled), request counts and when the job reached its status.")
final class JobsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's jobs.")
    String tenant;

    @Option(names = "--wide", description = "Also show when each job reached its status (SINCE) and its deadline (EXPIRES_AT).")
    boolean wide;

    @Override
    public Integer call() {
        ToolsConfig config = connection.toolsConfig();
        Map<String, JobProgress> jobs;
        try (JobProgressReader reader = new JobProgressReader(config)) {
            jobs = reader.snapshot();
        }
        PrintWriter out = spec.commandLine().getOut();
        String wideHeader = wide ? String.format(" %-24s %-24s", "SINCE", "EXPIRES_AT") : "";
        out.printf("%-36s %-16s %-12s %8s %10s %8s%s%n", "JOB", "TENANT", "STATUS", "TOTAL", "COMPLETED", "FAILED", wideHeader);
        jobs.values().stream().filter(p -> tenant == null || tenant.equals(p.tenantId())).sorted(
                java.util.Comparator.comparingLong(JobProgress::submittedAt).thenComparing(JobProgress::jobId)).forEach(p ->
                out.printf("%-36s %-16s %-12s %8s %10d %8d%s%n", p.jobId(), p.tenantId(), p.status().wireName(),
                        p.total() < 0 ? "?" : Long.toString(p.total()), p.completed(), p.failed(), wide ? String.format(" %-24s %-24s",
                                WatchCommand.time(WatchCommand.statusSince(p)), WatchCommand.time(p.expiresAt())) : ""));
        return ExitCodes.OK;
    }
}
