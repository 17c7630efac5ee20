package dev.loraq.online.protocol;

import dev.loraq.openai.http.ApiError;
import dev.loraq.engine.api.InvalidRequestException;

import java.util.Locale;

/** The engine's refusals as OpenAI errors: what is the client's fault is a 4xx naming the field. */
public final class EngineErrors {

    private EngineErrors() {
    }

    /**
     * @param promptParam the field that held the prompt ({@code messages} or {@code prompt})
     * @param retryAfterSeconds Retry-After of an overload refusal
     */
    public static ApiError toApiError(InvalidRequestException e, String promptParam, int retryAfterSeconds) {
        String message = e.tenantMessage();
        return switch (e.code()) {
            case INVALID_SAMPLING -> new ApiError(400, "invalid_request_error", samplingParam(message),
                    "invalid_value", message, -1);
            case PROMPT_TOO_LONG -> new ApiError(400, "invalid_request_error", promptParam,
                    "context_length_exceeded", message, -1);
            case INVALID_PROMPT -> new ApiError(400, "invalid_request_error", promptParam, "invalid_value", message, -1);
            case INVALID_ADAPTER_ID -> new ApiError(400, "invalid_request_error", "model", "invalid_value", message, -1);
            case UNKNOWN_ADAPTER -> ApiError.notFound("model", "model_not_found", message);
            // The adapter exists but its files cannot serve: the operator's to fix, not the client's, and no bug.
            case UNSUPPORTED_ADAPTER_FORMAT, ADAPTER_LOAD_FAILED -> new ApiError(503, "server_error", "model",
                    e.code().name().toLowerCase(Locale.ROOT), message, -1);
            case OVERLOADED -> new ApiError(429, "rate_limit_error", null, "overloaded", message, retryAfterSeconds);
        };
    }

    /** The OpenAI field a sampling message names (the engine's messages start with the field's name). */
    static String samplingParam(String message) {
        for (String field : new String[] {"max_tokens", "temperature", "top_p", "top_k", "stop", "seed"}) {
            if (message.startsWith(field)) {
                return field;
            }
        }
        return null;
    }
}
