package dev.loraq.tools.format;

import dev.loraq.schemas.avro.PromptRequest;
import java.util.List;

/**
 * A job file that passed validation: every line became a PromptRequest.
 *
 * @param format the format the lines were read as (never AUTO)
 * @param endpoint the OpenAI endpoint the job's results are shaped after: the batch's url for OpenAI input; for
 *                 loraq input /v1/chat/completions unless every line has a prompt
 * @param lines lines read, blank ones included
 */
public record ValidatedJob(InputFormat format, String endpoint, List<PromptRequest> requests, int lines) {
}
