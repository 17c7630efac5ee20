package dev.loraq.service.output;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.validation.InvalidPromptRequestException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request-level failure becomes an error completion for the tenant: the engine's own codes (lower-cased, e.g.
 * {@code unknown_adapter}, {@code prompt_too_long}), {@code invalid_sampling} / {@code invalid_prompt} for
 * requests that break the record rules, and {@code engine_error} for anything unexpected. {@code overloaded} (the
 * engine's max.waiting.requests reached) cannot happen while the start check on max.queued.records holds; should it
 * happen anyway it is an error completion the tenant may send again, and a warning for the operator.
 */
public final class DefaultRecordErrorHandler implements RecordErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultRecordErrorHandler.class);

    @Override
    public ErrorOutcome onFailure(PromptRequest request, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof InvalidRequestException invalid) {
            if (invalid.code() == ErrorCode.OVERLOADED) {
                LOG.warn("engine refused a request as overloaded requestId={} tenant={}: {}; max.queued.records should keep "
                        + "the service below max.waiting.requests", request.getRequestId(), request.getTenantId(), invalid.getMessage());
            }
            String tenantMessage = invalid.tenantMessage();
            if (!tenantMessage.equals(invalid.getMessage())) {
                // The tenant's message has no server paths; the operator's log keeps them.
                LOG.info("request failed requestId={} tenant={} adapter={} code={}: {}", request.getRequestId(),
                        request.getTenantId(), request.getAdapterId(), invalid.code(), invalid.getMessage());
            }
            return new ErrorOutcome.ErrorCompletion(invalid.code().name().toLowerCase(Locale.ROOT), tenantMessage);
        }
        if (cause instanceof InvalidPromptRequestException invalid) {
            String code = invalid.field().startsWith("sampling.") ? "invalid_sampling" : "invalid_prompt";
            return new ErrorOutcome.ErrorCompletion(code, invalid.getMessage());
        }
        // An unexpected failure's text is the operator's: the tenant gets the request id and the exception's type.
        LOG.warn("request failed in the engine requestId={} tenant={} adapter={}: {}", request.getRequestId(),
                request.getTenantId(), request.getAdapterId(), cause.toString(), cause);
        return new ErrorOutcome.ErrorCompletion("engine_error", "Request " + request.getRequestId()
                + " failed in the engine (" + cause.getClass().getSimpleName() + "); the operator's log has the details");
    }
}
