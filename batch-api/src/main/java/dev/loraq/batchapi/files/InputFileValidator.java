package dev.loraq.batchapi.files;

import dev.loraq.openai.http.ApiError;
import dev.loraq.tools.format.InputFormat;
import dev.loraq.tools.format.InvalidJobFileException;
import dev.loraq.tools.format.JobFileValidator;
import dev.loraq.tools.format.LineProblem;
import dev.loraq.tools.format.ValidatedJob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Checks a batch input file by {@code loraq submit}'s rules (OpenAI Batch lines): at upload, and again when a batch
 * is created from it (then the requests become the job's). A bad file fails whole, every bad line named by number.
 */
public final class InputFileValidator {

    private final String baseModelAlias;

    public InputFileValidator(String baseModelAlias) {
        this.baseModelAlias = baseModelAlias;
    }

    /** @throws ApiError 400 ({@code invalid_file}, param {@code file}) listing every problem as {@code NAME:LINE: message} */
    public ValidatedJob validate(String filename, byte[] content, String jobId, String tenantId, Instant at) {
        try {
            return new JobFileValidator(InputFormat.OPENAI, baseModelAlias).validate(filename,
                    new ByteArrayInputStream(content), jobId, tenantId, at, n -> { });
        } catch (InvalidJobFileException e) {
            String lines = e.problems().stream().map(p -> p.describe(filename)).collect(Collectors.joining("\n"));
            throw new ApiError(400, "invalid_request_error", "file", "invalid_file", e.problems().size()
                    + " problem(s) in " + filename + " (lines " + e.problems().stream().map(LineProblem::line).distinct()
                    .map(String::valueOf).collect(Collectors.joining(", ")) + "); nothing was stored:\n" + lines, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
