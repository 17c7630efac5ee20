package dev.loraq.schemas.validation;

import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;

/**
 * Rules of a PromptRequest that Avro cannot express: exactly one of prompt and messages, non-empty input, sampling
 * values in range.
 */
public final class PromptRequestValidator {

    private PromptRequestValidator() {
    }

    /** Throws {@link InvalidPromptRequestException} naming the request, its job and the field at the first broken rule. */
    public static void validate(PromptRequest request) {
        boolean hasPrompt = request.getPrompt() != null;
        boolean hasMessages = request.getMessages() != null;
        if (hasPrompt == hasMessages) {
            throw invalid(request, "prompt", hasPrompt ? "both prompt and messages are set; set exactly one"
                    : "neither prompt nor messages is set; set exactly one");
        }
        if (hasMessages) {
            if (request.getMessages().isEmpty()) {
                throw invalid(request, "messages", "messages is empty");
            }
            for (int i = 0; i < request.getMessages().size(); i++) {
                ChatMessage message = request.getMessages().get(i);
                if (message.getRole().isBlank()) {
                    throw invalid(request, "messages[" + i + "].role", "messages[" + i + "].role is blank");
                }
            }
        }
        SamplingParams sampling = request.getSampling();
        if (sampling.getMaxTokens() <= 0) {
            throw invalid(request, "sampling.max_tokens", "sampling.max_tokens is " + sampling.getMaxTokens() + ", must be positive");
        }
        if (!(sampling.getTemperature() >= 0f) || Float.isInfinite(sampling.getTemperature())) {
            throw invalid(request, "sampling.temperature", "sampling.temperature is " + sampling.getTemperature() + ", must be finite and >= 0");
        }
        if (!(sampling.getTopP() > 0f && sampling.getTopP() <= 1f)) {
            throw invalid(request, "sampling.top_p", "sampling.top_p is " + sampling.getTopP() + ", must be in (0, 1]");
        }
        if (sampling.getTopK() < 0) {
            throw invalid(request, "sampling.top_k", "sampling.top_k is " + sampling.getTopK() + ", must be >= 0 (0 disables it)");
        }
    }

    private static InvalidPromptRequestException invalid(PromptRequest request, String field, String problem) {
        return new InvalidPromptRequestException(field, "Invalid PromptRequest request_id=" + request.getRequestId()
                + " job_id=" + request.getJobId() + ": " + problem);
    }
}
