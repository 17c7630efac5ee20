package dev.loraq.service.output;

import dev.loraq.schemas.avro.PromptRequest;

/**
 * Decides what becomes of a decoded request (with a valid tenant) that failed, in validation or in the engine.
 * Records that cannot be decoded, or have no usable tenant, always become dead letters: they have no tenant topic.
 */
@FunctionalInterface
public interface RecordErrorHandler {

    ErrorOutcome onFailure(PromptRequest request, Throwable failure);
}
