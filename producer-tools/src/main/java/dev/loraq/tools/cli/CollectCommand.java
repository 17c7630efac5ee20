package dev.loraq.tools.cli;

import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.avro.OutputFormat;
import dev.loraq.tools.collect.CollectResult;
import dev.loraq.tools.collect.CompletionCollector;
import dev.loraq.tools.collect.CompletionLines;
import dev.loraq.tools.collect.LoraqCompletionLines;
import dev.loraq.tools.collect.OpenAiBatchOutputLines;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.submit.JobSubmitter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq collect --tenant T --job J}: the job's results as JSONL, errors apart, missing requests named. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Write a job's completions as JSONL (loraq or OpenAI Batch output format); stops when all are in or at the timeout.")
final class CollectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT")
    String tenant;

    @Option(names = "--job", required = true, paramLabel = "JOB")
    String job;

    @Option(names = "--format", paramLabel = "loraq|openai", description = "Output format. Default: the one the job was submitted for.")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file. Default: stdout.")
    Path out;

    @Option(names = "--errors", paramLabel = "FILE",
            description = "File for failed requests. Default: <out>.errors.jsonl beside --out; with stdout output, stdout too.")
    Path errors;

    @Option(names = "--timeout", defaultValue = "PT5M", paramLabel = "DURATION",
            description = "How long to wait for missing results, ISO-8601 (PT30S, PT10M). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        ToolsConfig config = connection.toolsConfig();
        ToolsConfig.requireTenant("--tenant", tenant);
        ToolsConfig.requireId("--job", job);
        CompletionCollector collector = new CompletionCollector(config);
        JobManifest manifest = collector.manifest(tenant, job);
        boolean openAi = format == null ? manifest.getOutput().getFormat() == OutputFormat.OPENAI_BATCH : format.equals("openai");
        if (format != null && !format.equals("openai") && !format.equals("loraq")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be loraq or openai, got '" + format + "'");
        }
        CompletionLines lines = openAi ? new OpenAiBatchOutputLines(manifest.getMetadata().get(JobSubmitter.ENDPOINT_KEY))
                : new LoraqCompletionLines();
        PrintWriter err = spec.commandLine().getErr();
        Path errorsPath = errors != null ? errors : out != null ? out.resolveSibling(baseName(out) + ".errors.jsonl") : null;
        CollectResult result;
        try (Writer output = out == null ? nonClosing(spec.commandLine().getOut()) : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             Writer errorOutput = errorsPath == null ? nonClosing(spec.commandLine().getOut()) : Files.newBufferedWriter(errorsPath, StandardCharsets.UTF_8)) {
            result = collector.collect(manifest, timeout, lines, output, errorOutput);
        }
        err.println("loraq collect: job " + job + ": " + result.succeeded() + " succeeded, " + result.failed() + " failed, of "
                + result.expected() + (errorsPath != null ? " (errors in " + errorsPath + ")" : ""));
        if (!result.duplicates().isEmpty()) {
            err.println("loraq collect: " + result.duplicates().size() + " duplicate completion(s) (exactly-once violated; each request was written once):");
            result.duplicates().forEach(d -> err.println("  " + d));
        }
        if (!result.complete()) {
            err.println("loraq collect: timed out after " + timeout + " with " + (result.expected() - result.succeeded() - result.failed())
                    + " request(s) missing:");
            result.missing().forEach(id -> err.println("  missing request_id " + id));
            return ExitCodes.INCOMPLETE;
        }
        return result.duplicates().isEmpty() ? ExitCodes.OK : ExitCodes.DUPLICATES;
    }

    private static String baseName(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
    }

    private static Writer nonClosing(PrintWriter writer) {
        return new java.io.FilterWriter(writer) {
            @Override
            public void close() {
                writer.flush();
            }
        };
    }
}
