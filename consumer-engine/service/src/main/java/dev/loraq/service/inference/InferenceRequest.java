package dev.loraq.service.inference;

import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.ChatMessage;
import java.util.List;

/** One request as the service hands it to the engine: exactly one of prompt and messages is set. */
public record InferenceRequest(String requestId, String adapterId, String prompt, List<ChatMessage> messages,
                               SamplingParams sampling, int priority) {
}
