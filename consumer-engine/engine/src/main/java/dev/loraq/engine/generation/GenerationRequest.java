package dev.loraq.engine.generation;

import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.ChatMessage;

import java.util.List;
import java.util.Objects;

/**
 * One generation request. Exactly one of {@code prompt}, {@code messages} and {@code promptTokenIds} is set.
 *
 * @param requestId caller's id, used in logs, results and {@link Engine#cancel(String)}
 * @param adapterId LoRA adapter id, or null for the base model
 * @param prompt raw prompt text (encoded with the tokenizer's special tokens, i.e. BOS)
 * @param messages chat messages, rendered with the model's chat template
 * @param promptTokenIds prompt token ids, used as they are
 * @param sampling sampling parameters
 * @param priority higher runs earlier among requests waiting for the same adapter tier
 * @param listener receives the output token by token as it is generated, or null (the future alone)
 * @param requestClass interactive or batch traffic (null: batch)
 */
public record GenerationRequest(String requestId, String adapterId, String prompt, List<ChatMessage> messages,
                                int[] promptTokenIds, SamplingParams sampling, int priority,
                                GenerationListener listener, RequestClass requestClass) {

    public GenerationRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sampling, "sampling");
        messages = messages == null ? null : List.copyOf(messages);
        requestClass = requestClass == null ? RequestClass.BATCH : requestClass;
    }

    /** A batch request with a listener. */
    public GenerationRequest(String requestId, String adapterId, String prompt, List<ChatMessage> messages,
                             int[] promptTokenIds, SamplingParams sampling, int priority, GenerationListener listener) {
        this(requestId, adapterId, prompt, messages, promptTokenIds, sampling, priority, listener, RequestClass.BATCH);
    }

    /** A request without a listener. */
    public GenerationRequest(String requestId, String adapterId, String prompt, List<ChatMessage> messages,
                             int[] promptTokenIds, SamplingParams sampling, int priority) {
        this(requestId, adapterId, prompt, messages, promptTokenIds, sampling, priority, null);
    }

    public static GenerationRequest ofPrompt(String requestId, String adapterId, String prompt, SamplingParams sampling) {
        return new GenerationRequest(requestId, adapterId, prompt, null, null, sampling, 0);
    }

    public static GenerationRequest ofMessages(String requestId, String adapterId, List<ChatMessage> messages,
                                               SamplingParams sampling) {
        return new GenerationRequest(requestId, adapterId, null, messages, null, sampling, 0);
    }

    public static GenerationRequest ofTokens(String requestId, String adapterId, int[] tokens, SamplingParams sampling) {
        return new GenerationRequest(requestId, adapterId, null, null, tokens, sampling, 0);
    }

    public GenerationRequest withPriority(int newPriority) {
        return new GenerationRequest(requestId, adapterId, prompt, messages, promptTokenIds, sampling, newPriority, listener, requestClass);
    }

    /** The same request streamed to {@code newListener} (null: no listener). */
    public GenerationRequest withListener(GenerationListener newListener) {
        return new GenerationRequest(requestId, adapterId, prompt, messages, promptTokenIds, sampling, priority, newListener, requestClass);
    }

    /** The same request as {@code newClass} traffic. */
    public GenerationRequest withRequestClass(RequestClass newClass) {
        return new GenerationRequest(requestId, adapterId, prompt, messages, promptTokenIds, sampling, priority, listener, newClass);
    }
}
