package dev.loraq.schemas.serde;

import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.avro.Timings;
import dev.loraq.schemas.avro.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample records for tests. */
public final class Records {

    private Records() {
    }

    public static PromptRequest chatRequest(String requestId) {
        return PromptRequest.newBuilder()
                .setRequestId(requestId)
                .setJobId("job-1")
                .setTenantId("acme")
                .setAdapterId("acme-support-v3")
                .setMessages(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hello, ünïcode ✓")))
                .setSampling(SamplingParams.newBuilder().setMaxTokens(64).setTemperature(0.7f).setTopP(0.9f).setTopK(40)
                        .setSeed(1234L).setStop(List.of("</s>")).build())
                .setPriority(2)
                .setSubmittedAt(Instant.ofEpochMilli(1_790_000_000_123L))
                .setMetadata(Map.of("source", "test"))
                .build();
    }

    public static Completion okCompletion(String requestId) {
        return Completion.newBuilder()
                .setRequestId(requestId)
                .setJobId("job-1")
                .setTenantId("acme")
                .setAdapterId(null)
                .setStatus(CompletionStatus.OK)
                .setText("Hi there.")
                .setFinishReason(FinishReason.STOP)
                .setUsage(new TokenUsage(12, 3, 7_500L))
                .setTimings(new Timings(5L, AdapterLoadKind.NONE, 0L, 41L))
                .setModelId("tinyllama-1.1b")
                .setWorkerId("worker-0")
                .setCompletedAt(Instant.ofEpochMilli(1_790_000_001_000L))
                .build();
    }
}
