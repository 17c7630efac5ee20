package dev.loraq.service.output;

import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.validation.InvalidPromptRequestException;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * Every request-level failure becomes an error completion for the tenant: the engine's own codes (lower-cased, e.g.
 * {@code unknown_adapter}, {@code prompt_too_long}), {@code invalid_sampling} / {@code invalid_prompt} for
 * requests that break the record rules, and {@code engine_error} for anything unexpected.
 */
public final class DefaultRecordErrorHandler implements RecordErrorHandler {

    @Override
    public ErrorOutcome onFailure(PromptRequest request, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof InvalidRequestException invalid) {
            return new ErrorOutcome.ErrorCompletion(invalid.code().name().toLowerCase(Locale.ROOT), invalid.getMessage());
        }
        if (cause instanceof InvalidPromptRequestException invalid) {
            String code = invalid.field().startsWith("sampling.") ? "invalid_sampling" : "invalid_prompt";
            return new ErrorOutcome.ErrorCompletion(code, invalid.getMessage());
        }
        return new ErrorOutcome.ErrorCompletion("engine_error", "Request " + request.getRequestId()
                + " failed in the engine: " + cause);
    }
}
