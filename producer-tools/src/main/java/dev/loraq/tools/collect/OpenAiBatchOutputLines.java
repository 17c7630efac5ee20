package dev.loraq.tools.collect;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.tools.format.JobRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * OpenAI Batch API output lines: {@code {id, custom_id, response: {status_code, request_id, body}, error}}, the body
 * shaped like a chat.completion or text_completion depending on the job's endpoint. Error lines (for the errors file)
 * have {@code response: null} and {@code error: {code, message}}. Ids are derived from job and request ids, so
 * collecting twice gives identical files.
 */
public final class OpenAiBatchOutputLines implements CompletionLines {

    private static final JsonMapper JSON = new JsonMapper();

    private final String endpoint;

    /** @param endpoint /v1/chat/completions or /v1/completions (the job manifest's openai.endpoint) */
    public OpenAiBatchOutputLines(String endpoint) {
        this.endpoint = endpoint == null ? JobRequest.CHAT_ENDPOINT : endpoint;
    }

    @Override
    public String success(Completion c) {
        ObjectNode line = header(c);
        ObjectNode response = line.putObject("response");
        response.put("status_code", 200);
        response.put("request_id", stableId("req_", c));
        ObjectNode body = response.putObject("body");
        boolean chat = endpoint.equals(JobRequest.CHAT_ENDPOINT);
        body.put("id", stableId(chat ? "chatcmpl-" : "cmpl-", c));
        body.put("object", chat ? "chat.completion" : "text_completion");
        body.put("created", c.getCompletedAt().getEpochSecond());
        body.put("model", c.getAdapterId() != null ? c.getAdapterId() : c.getModelId());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.getText());
        } else {
            choice.put("text", c.getText());
        }
        choice.put("finish_reason", finishReason(c.getFinishReason()));
        ObjectNode usage = body.putObject("usage");
        int prompt = c.getUsage().getPromptTokens();
        int completion = c.getUsage().getCompletionTokens();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        line.putNull("error");
        return line.toString();
    }

    @Override
    public String error(Completion c) {
        ObjectNode line = header(c);
        line.putNull("response");
        ObjectNode error = line.putObject("error");
        error.put("code", c.getError() == null ? "unknown_error" : c.getError().getCode());
        error.put("message", c.getError() == null ? "the request failed without an error message" : c.getError().getMessage());
        return line.toString();
    }

    private static ObjectNode header(Completion c) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", stableId("batch_req_", c));
        line.put("custom_id", c.getRequestId());
        return line;
    }

    private static String finishReason(FinishReason reason) {
        return reason == null ? null : switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String stableId(String prefix, Completion c) {
        UUID uuid = UUID.nameUUIDFromBytes((prefix + c.getJobId() + "\u0000" + c.getRequestId()).getBytes(StandardCharsets.UTF_8));
        return prefix + uuid.toString().replace("-", "");
    }
}
