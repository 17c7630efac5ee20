package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.format.InputFormat;
import dev.loraq.tools.format.InvalidJobFileException;
import dev.loraq.tools.format.JobFileValidator;
import dev.loraq.tools.format.LineProblem;
import dev.loraq.tools.format.ValidatedJob;
import dev.loraq.tools.submit.CompletionWindow;
import dev.loraq.tools.submit.JobSubmitter;
import dev.loraq.tools.submit.SubmitOptions;
import dev.loraq.tools.submit.SubmitResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq submit FILE --tenant T}: validates every line, then publishes the job in one transaction. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Validate a JSONL job file (loraq or OpenAI Batch format) and publish it in one transaction; prints the job id.")
final class SubmitCommand implements Callable<Integer> {

    enum ProgressMode { auto, always, never }

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "FILE", description = "JSONL job file (docs/job-format.md).")
    Path file;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant that owns the job.")
    String tenant;

    @Option(names = "--job-id", paramLabel = "JOB", description = "Job id; default: job-<UTC time>-<random>.")
    String jobId;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "auto|loraq|openai",
            description = "Line format. auto: OpenAI when the first line has custom_id. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--completion-window", paramLabel = "DURATION",
            description = "Deadline for the job, from submission (24h as OpenAI's, or any: 90m, 1h30m, 2d, PT45S): requests whose "
                    + "generation has not begun by then complete as batch_expired. Default: none.")
    String completionWindow;

    @Option(names = "--priority", paramLabel = "N",
            description = "Priority of every request of the job (higher runs first), replacing the lines' own priority.")
    Integer priority;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|always|never",
            description = "Progress bar on stderr: auto shows it for large files when stderr is a terminal.")
    ProgressMode progress;

    @Override
    public Integer call() throws IOException {
        ToolsConfig config = connection.toolsConfig();
        ToolsConfig.requireTenant("--tenant", tenant);
        String job = jobId != null ? jobId : newJobId();
        ToolsConfig.requireId("--job-id", job);
        InputFormat inputFormat = switch (format) {
            case "auto" -> InputFormat.AUTO;
            case "loraq" -> InputFormat.LORAQ;
            case "openai" -> InputFormat.OPENAI;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format must be auto, loraq or openai, got '" + format + "'");
        };
        SubmitOptions options;
        try {
            options = new SubmitOptions(priority, completionWindow == null ? null : CompletionWindow.parse(completionWindow));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--completion-window: " + e.getMessage());
        }
        var err = spec.commandLine().getErr();
        long lines = countLines(file);
        if (lines < 0) {
            err.println("loraq submit: " + file + ": no such file");
            return ExitCodes.INVALID_INPUT;
        }
        boolean showProgress = progress == ProgressMode.always
                || (progress == ProgressMode.auto && System.console() != null && lines >= config.progressBarMinLines());
        Instant submittedAt = Instant.now();
        ValidatedJob validated;
        ProgressBar validating = new ProgressBar(err, "validating");
        try (InputStream in = Files.newInputStream(file)) {
            validated = new JobFileValidator(inputFormat, config.baseModelAlias()).validate(file.toString(), in, job, tenant,
                    submittedAt, n -> {
                        if (showProgress) {
                            validating.update(n, lines, "lines");
                        }
                    });
        } catch (InvalidJobFileException e) {
            if (showProgress) {
                err.println();
            }
            err.println("loraq submit: " + file + " has " + e.problems().size() + " problem(s); nothing was published:");
            for (LineProblem problem : e.problems()) {
                err.println("  " + problem.describe(file.toString()));
            }
            return ExitCodes.INVALID_INPUT;
        }
        if (showProgress) {
            validating.finish(lines, lines, "lines");
        }
        int total = validated.requests().size();
        ProgressBar sending = new ProgressBar(err, "sending");
        SubmitResult result = new JobSubmitter(config).submit(validated, job, tenant, submittedAt, file.getFileName().toString(), options, acked -> {
            if (showProgress) {
                sending.update(acked, total, "requests");
            }
        });
        if (showProgress) {
            sending.finish(total, total, "requests, committed");
        }
        err.println("loraq submit: job " + result.jobId() + " of tenant " + tenant + ": " + result.requests()
                + " request(s) published (" + validated.format().name().toLowerCase() + " format)");
        spec.commandLine().getOut().println(result.jobId());
        return ExitCodes.OK;
    }

    private static long countLines(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long count = 0;
            int last = '\n';
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    count++;
                }
                last = b;
            }
            return last == '\n' ? count : count + 1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    static String newJobId() {
        return "job-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }
}
