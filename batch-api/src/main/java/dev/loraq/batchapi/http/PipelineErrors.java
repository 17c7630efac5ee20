package dev.loraq.batchapi.http;

import dev.loraq.openai.http.ApiError;
import dev.loraq.tools.kafka.PipelineException;

/** A pipeline failure as an OpenAI-shaped answer: what the server could not reach is a 503, anything else a 500. */
final class PipelineErrors {

    private PipelineErrors() {
    }

    static ApiError of(PipelineException e) {
        return switch (e.kind()) {
            case BROKER_UNAVAILABLE, REGISTRY_UNAVAILABLE, TOPIC_MISSING -> new ApiError(503, "server_error", null,
                    "service_unavailable", e.getMessage(), 5);
            case JOB_NOT_FOUND -> ApiError.notFound(null, "not_found", e.getMessage());
            case JOB_EXISTS, JOB_FINISHED -> new ApiError(409, "invalid_request_error", null, "conflict", e.getMessage(), -1);
            case PUBLISH_FAILED, NOT_AUTHORIZED -> new ApiError(500, "server_error", null, "pipeline_error", e.getMessage(), -1);
        };
    }
}
