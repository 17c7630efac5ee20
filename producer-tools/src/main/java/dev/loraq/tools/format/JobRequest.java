package dev.loraq.tools.format;

import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One validated line of a job file, in either input format, before it is tied to a job.
 *
 * @param requestId our request_id, or OpenAI's custom_id
 * @param adapterId null for the base model
 * @param endpoint OpenAI endpoint of the line ("/v1/chat/completions" or "/v1/completions")
 */
public record JobRequest(int line, String requestId, String adapterId, String prompt, List<ChatMessage> messages,
                         SamplingParams sampling, int priority, Map<String, String> metadata, String endpoint) {

    public static final String CHAT_ENDPOINT = "/v1/chat/completions";
    public static final String COMPLETIONS_ENDPOINT = "/v1/completions";

    /** The Avro record of this request in the given job. */
    public PromptRequest toPromptRequest(String jobId, String tenantId, Instant submittedAt) {
        return PromptRequest.newBuilder()
                .setRequestId(requestId)
                .setJobId(jobId)
                .setTenantId(tenantId)
                .setAdapterId(adapterId)
                .setPrompt(prompt)
                .setMessages(messages)
                .setSampling(SamplingParams.newBuilder(sampling).build())
                .setPriority(priority)
                .setSubmittedAt(submittedAt)
                .setMetadata(Map.copyOf(metadata))
                .build();
    }
}
