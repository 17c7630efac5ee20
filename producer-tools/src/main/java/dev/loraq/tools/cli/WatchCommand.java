package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgress;
import dev.loraq.tools.progress.JobProgressReader;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq watch JOB}: a live progress bar from the job-progress table; exits when every request has a result. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Show a job's live progress (needs 'loraq progress-service' running); exits at 100%%.")
final class WatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "P365D",
            description = "Give up after this long (ISO-8601, e.g. PT10M). Default: no limit.")
    Duration timeout;

    @Override
    public Integer call() {
        ToolsConfig config = connection.toolsConfig();
        ToolsConfig.requireId("JOB", job);
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, job.length() > 10 ? "progress" : job);
        JobProgress last;
        try (JobProgressReader reader = new JobProgressReader(config)) {
            last = reader.follow(job, timeout, progress -> {
                bar.update(progress.done(), progress.total(), suffix(progress));
                return progress.total() >= 0 && progress.done() >= progress.total();
            });
        }
        if (last == null) {
            err.println("loraq watch: no progress for job " + job + " within " + timeout
                    + " (is 'loraq progress-service' running, and was the job submitted?)");
            return ExitCodes.INCOMPLETE;
        }
        bar.finish(last.done(), last.total(), suffix(last));
        boolean done = last.total() >= 0 && last.done() >= last.total();
        spec.commandLine().getOut().println(summary(last));
        return done ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }

    static String suffix(JobProgress p) {
        String eta = p.etaSeconds() < 0 ? "?" : p.etaSeconds() + "s";
        return String.format(Locale.ROOT, "%s  ok=%d failed=%d  tokens=%d+%d  %.1f req/s %.1f tok/s  ETA %s",
                p.status().wireName(), p.completed(), p.failed(), p.promptTokens(), p.completionTokens(),
                p.requestsPerSecond(), p.completionTokensPerSecond(), eta);
    }

    static String summary(JobProgress p) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "%s %s total=%d completed=%d failed=%d prompt_tokens=%d completion_tokens=%d cancelled=%d expired=%d",
                p.jobId(), p.status().wireName(), p.total(), p.completed(), p.failed(), p.promptTokens(), p.completionTokens(),
                p.cancelled(), p.expired()));
        timestamp(line, "created_at", p.createdAt());
        timestamp(line, "in_progress_at", p.inProgressAt());
        timestamp(line, "finalizing_at", p.finalizingAt());
        timestamp(line, "completed_at", p.completedAt());
        timestamp(line, "failed_at", p.failedAt());
        timestamp(line, "expired_at", p.expiredAt());
        timestamp(line, "expires_at", p.expiresAt());
        timestamp(line, "cancelling_at", p.cancellingAt());
        timestamp(line, "cancelled_at", p.cancelledAt());
        return line.toString();
    }

    private static void timestamp(StringBuilder line, String name, Long epochMs) {
        if (epochMs != null) {
            line.append(' ').append(name).append('=').append(time(epochMs));
        }
    }

    /** An epoch-millisecond time as ISO-8601 UTC, "-" when unset. */
    static String time(Long epochMs) {
        return epochMs == null ? "-" : java.time.Instant.ofEpochMilli(epochMs).toString();
    }

    /** When the job reached its current status (null while it is validating). */
    static Long statusSince(JobProgress p) {
        return switch (p.status()) {
            case VALIDATING -> p.createdAt();
            case IN_PROGRESS -> p.inProgressAt();
            case FINALIZING -> p.finalizingAt();
            case COMPLETED -> p.completedAt();
            case FAILED -> p.failedAt();
            case EXPIRED -> p.expiredAt();
            case CANCELLING -> p.cancellingAt();
            case CANCELLED -> p.cancelledAt();
        };
    }
}
