package dev.loraq.tools.collect;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.schemas.avro.Completion;

/** loraq's own output lines: the Completion record as JSON with snake_case names (docs/job-format.md). */
public final class LoraqCompletionLines implements CompletionLines {

    private static final JsonMapper JSON = new JsonMapper();

    @Override
    public String success(Completion completion) {
        return toJson(completion).toString();
    }

    @Override
    public String error(Completion completion) {
        return toJson(completion).toString();
    }

    /** The completion as a JSON object; also used by the OpenAI lines and the examples. */
    public static ObjectNode toJson(Completion c) {
        ObjectNode node = JSON.createObjectNode();
        node.put("request_id", c.getRequestId());
        node.put("job_id", c.getJobId());
        node.put("tenant_id", c.getTenantId());
        node.put("adapter_id", c.getAdapterId());
        node.put("status", c.getStatus().name());
        node.put("text", c.getText());
        node.put("finish_reason", c.getFinishReason() == null ? null : c.getFinishReason().name());
        if (c.getError() != null) {
            ObjectNode error = node.putObject("error");
            error.put("code", c.getError().getCode());
            error.put("message", c.getError().getMessage());
        } else {
            node.putNull("error");
        }
        ObjectNode usage = node.putObject("usage");
        usage.put("prompt_tokens", c.getUsage().getPromptTokens());
        usage.put("completion_tokens", c.getUsage().getCompletionTokens());
        usage.put("engine_nanos", c.getUsage().getEngineNanos());
        ObjectNode timings = node.putObject("timings");
        timings.put("queue_wait_ms", c.getTimings().getQueueWaitMs());
        timings.put("adapter_load", c.getTimings().getAdapterLoad().name());
        timings.put("adapter_load_ms", c.getTimings().getAdapterLoadMs());
        timings.put("engine_ms", c.getTimings().getEngineMs());
        node.put("model_id", c.getModelId());
        node.put("worker_id", c.getWorkerId());
        node.put("completed_at", c.getCompletedAt().toString());
        return node;
    }
}
