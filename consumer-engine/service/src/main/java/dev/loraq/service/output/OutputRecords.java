package dev.loraq.service.output;

import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionError;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.Timings;
import dev.loraq.schemas.avro.TokenUsage;
import dev.loraq.service.inference.InferenceResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Builds the Completion and DeadLetter records the service writes. */
public final class OutputRecords {

    private final String modelId;
    private final String workerId;

    public OutputRecords(String modelId, String workerId) {
        this.modelId = modelId;
        this.workerId = workerId;
    }

    public Completion completion(PromptRequest request, InferenceResult result) {
        return Completion.newBuilder()
                .setRequestId(request.getRequestId())
                .setJobId(request.getJobId())
                .setTenantId(request.getTenantId())
                .setAdapterId(request.getAdapterId())
                .setStatus(CompletionStatus.OK)
                .setError(null)
                .setText(result.text())
                .setFinishReason(result.finishReason())
                .setUsage(new TokenUsage(result.promptTokens(), result.completionTokens()))
                .setTimings(new Timings(result.queueWaitMs(), result.adapterLoad(), result.adapterLoadMs(), result.engineMs()))
                .setModelId(modelId)
                .setWorkerId(workerId)
                .setCompletedAt(Instant.now())
                .build();
    }

    public Completion errorCompletion(PromptRequest request, String code, String message) {
        return Completion.newBuilder()
                .setRequestId(request.getRequestId())
                .setJobId(request.getJobId())
                .setTenantId(request.getTenantId())
                .setAdapterId(request.getAdapterId())
                .setStatus(CompletionStatus.ERROR)
                .setError(new CompletionError(code, message))
                .setText(null)
                .setFinishReason(FinishReason.ERROR)
                .setUsage(new TokenUsage(0, 0))
                .setTimings(new Timings(0L, AdapterLoadKind.NONE, 0L, 0L))
                .setModelId(modelId)
                .setWorkerId(workerId)
                .setCompletedAt(Instant.now())
                .build();
    }

    public static DeadLetter deadLetter(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                                        String code, String message) {
        Map<String, ByteBuffer> headerMap = new HashMap<>();
        if (headers != null) {
            for (Header header : headers) {
                headerMap.put(header.key(), ByteBuffer.wrap(header.value() == null ? new byte[0] : header.value()));
            }
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setErrorCode(code)
                .setErrorMessage(message)
                .setFailedAt(Instant.now())
                .setHeaders(headerMap)
                .build();
    }
}
