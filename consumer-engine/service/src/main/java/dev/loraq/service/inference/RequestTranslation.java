package dev.loraq.service.inference;

import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.ChatMessage;
import dev.loraq.schemas.avro.PromptRequest;
import java.util.List;

/** Turns a PromptRequest record into the engine's request; invalid values throw the engine's InvalidRequestException. */
public final class RequestTranslation {

    private RequestTranslation() {
    }

    public static InferenceRequest toInference(String engineId, PromptRequest request) {
        dev.loraq.schemas.avro.SamplingParams s = request.getSampling();
        SamplingParams sampling = new SamplingParams(s.getMaxTokens(), s.getTemperature(), s.getTopK(), s.getTopP(),
                s.getSeed(), s.getStop(), List.of());
        List<ChatMessage> messages = request.getMessages() == null ? null
                : request.getMessages().stream().map(m -> new ChatMessage(m.getRole(), m.getContent())).toList();
        // Only null means the base model: an empty id is refused by the engine as invalid_adapter_id.
        String adapter = request.getAdapterId();
        return new InferenceRequest(engineId, adapter, request.getPrompt(), messages, sampling, request.getPriority());
    }
}
