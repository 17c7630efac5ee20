package dev.loraq.tools.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.validation.InvalidPromptRequestException;
import dev.loraq.schemas.validation.PromptRequestValidator;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Reads a whole job file and checks every line before anything is sent: strict UTF-8, one JSON object per line,
 * known fields with the right types and ranges, unique request ids, one OpenAI endpoint per batch. Blank lines are
 * skipped. Either every line becomes a PromptRequest, or {@link InvalidJobFileException} lists every problem.
 */
public final class JobFileValidator {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final InputFormat requestedFormat;
    private final String baseModelAlias;

    public JobFileValidator(InputFormat format, String baseModelAlias) {
        this.requestedFormat = format;
        this.baseModelAlias = baseModelAlias;
    }

    /**
     * @param file name used in problem reports
     * @param linesRead called after each line with the number of lines read so far (for a progress bar)
     */
    public ValidatedJob validate(String file, InputStream in, String jobId, String tenantId, Instant submittedAt,
                                 IntConsumer linesRead) throws IOException, InvalidJobFileException {
        List<LineProblem> problems = new ArrayList<>();
        List<PromptRequest> requests = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        InputFormat format = requestedFormat == InputFormat.AUTO ? null : requestedFormat;
        RequestLineParser parser = format == null ? null : parser(format);
        String endpoint = null;
        int endpointLine = 0;
        boolean allPrompts = true;
        Utf8LineReader reader = new Utf8LineReader(in);
        Utf8LineReader.Line line;
        int lines = 0;
        while ((line = reader.next()) != null) {
            lines = line.number();
            linesRead.accept(lines);
            if (line.decodeError() != null) {
                problems.add(new LineProblem(line.number(), line.decodeError()));
                continue;
            }
            if (line.text().isBlank()) {
                continue;
            }
            JsonNode object;
            try {
                object = JSON.readTree(line.text());
            } catch (JsonProcessingException e) {
                problems.add(new LineProblem(line.number(), "malformed JSON" + column(e.getLocation()) + ": " + e.getOriginalMessage()));
                continue;
            }
            if (object == null || !object.isObject()) {
                problems.add(new LineProblem(line.number(), "each line must be one JSON object, got " + FieldReader.describe(object)));
                continue;
            }
            if (parser == null) {
                format = object.has("custom_id") ? InputFormat.OPENAI : InputFormat.LORAQ;
                parser = parser(format);
            }
            List<String> lineProblems = new ArrayList<>();
            JobRequest request = parser.parse(line.number(), object, lineProblems);
            if (request != null) {
                Integer first = lineOfId.putIfAbsent(request.requestId(), line.number());
                if (first != null) {
                    lineProblems.add("duplicate " + (format == InputFormat.OPENAI ? "custom_id" : "request_id") + " '"
                            + request.requestId() + "', first used on line " + first);
                }
                if (format == InputFormat.OPENAI) {
                    if (endpoint == null) {
                        endpoint = request.endpoint();
                        endpointLine = line.number();
                    } else if (!endpoint.equals(request.endpoint())) {
                        lineProblems.add("url '" + request.endpoint() + "' differs from '" + endpoint + "' on line "
                                + endpointLine + "; a batch has one endpoint");
                    }
                }
            }
            if (request != null && lineProblems.isEmpty()) {
                PromptRequest record = request.toPromptRequest(jobId, tenantId, submittedAt);
                try {
                    PromptRequestValidator.validate(record);
                    requests.add(record);
                    allPrompts &= record.getPrompt() != null;
                } catch (InvalidPromptRequestException e) {
                    lineProblems.add(e.getMessage());
                }
            }
            for (String problem : lineProblems) {
                problems.add(new LineProblem(line.number(), problem));
            }
        }
        if (problems.isEmpty() && requests.isEmpty()) {
            problems.add(new LineProblem(Math.max(lines, 1), "the file has no requests"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidJobFileException(file, problems);
        }
        if (endpoint == null) {
            endpoint = allPrompts ? JobRequest.COMPLETIONS_ENDPOINT : JobRequest.CHAT_ENDPOINT;
        }
        return new ValidatedJob(format, endpoint, List.copyOf(requests), lines);
    }

    private RequestLineParser parser(InputFormat format) {
        return switch (format) {
            case LORAQ -> new LoraqLineParser();
            case OPENAI -> new OpenAiBatchLineParser(baseModelAlias);
            case AUTO -> throw new IllegalArgumentException("AUTO is resolved from the first line");
        };
    }

    private static String column(JsonLocation location) {
        return location == null || location.getColumnNr() < 1 ? "" : " at column " + location.getColumnNr();
    }
}
