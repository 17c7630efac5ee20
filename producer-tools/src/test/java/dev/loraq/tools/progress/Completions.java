package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionError;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.Timings;
import dev.loraq.schemas.avro.TokenUsage;
import java.time.Instant;

/** Completion records as the consumer engine writes them, for tests that run without the engine. */
public final class Completions {

    private Completions() {
    }

    public static Completion ok(String tenant, String job, String requestId, String adapter, String text, int promptTokens,
                                int completionTokens, Instant at) {
        return Completion.newBuilder().setRequestId(requestId).setJobId(job).setTenantId(tenant).setAdapterId(adapter)
                .setStatus(CompletionStatus.OK).setText(text).setFinishReason(FinishReason.STOP)
                .setUsage(new TokenUsage(promptTokens, completionTokens, 0L))
                .setTimings(new Timings(1L, AdapterLoadKind.WARM, 0L, 5L))
                .setModelId("synthetic-llama").setWorkerId("test-worker").setCompletedAt(at).build();
    }

    public static Completion error(String tenant, String job, String requestId, String adapter, String code, Instant at) {
        return Completion.newBuilder().setRequestId(requestId).setJobId(job).setTenantId(tenant).setAdapterId(adapter)
                .setStatus(CompletionStatus.ERROR).setError(new CompletionError(code, "adapter " + adapter + " not found"))
                .setFinishReason(FinishReason.ERROR).setUsage(new TokenUsage(0, 0, 0L))
                .setTimings(new Timings(1L, AdapterLoadKind.NONE, 0L, 0L))
                .setModelId("synthetic-llama").setWorkerId("test-worker").setCompletedAt(at).build();
    }
}
