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
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.InferenceResult;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/** Builds the Completion and DeadLetter records the service writes. */
public final class OutputRecords {

    private static final DeadLetterSizing DEFAULT_SIZING = new DeadLetterSizing(ServiceConfig.DLQ_MAX_VALUE_BYTES_DEFAULT);

    private final String modelId;
    private final String workerId;
    private final DeadLetterSizing sizing;

    public OutputRecords(String modelId, String workerId, DeadLetterSizing sizing) {
        this.modelId = modelId;
        this.workerId = workerId;
        this.sizing = sizing;
    }

    /** The dead letter of a source record, sized to fit one produce request. */
    public DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> source, String code, String message) {
        return sizing.build(source.topic(), source.partition(), source.offset(), source.key(), source.value(), source.headers(),
                code, message);
    }

    /** The last resort for a source whose output the broker refused as too large: no value, no headers. */
    public DeadLetter bareDeadLetter(ConsumerRecord<byte[], byte[]> source, String code, String message) {
        return new DeadLetterSizing(0).build(source.topic(), source.partition(), source.offset(), source.key(),
                source.value(), null, code, message);
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

    /** A dead letter with the default sizing (the engine's own default for dlq.max.value.bytes). */
    public static DeadLetter deadLetter(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                                        String code, String message) {
        return DEFAULT_SIZING.build(topic, partition, offset, key, value, headers, code, message);
    }
}
