package dev.loraq.tools.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.SamplingParams;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** loraq's own request line; the format is specified in docs/job-format.md. */
final class LoraqLineParser implements RequestLineParser {

    static final Set<String> FIELDS = new LinkedHashSet<>(List.of("request_id", "adapter", "prompt", "messages",
            "max_tokens", "temperature", "top_p", "top_k", "seed", "stop", "priority", "metadata"));

    @Override
    public JobRequest parse(int line, JsonNode object, List<String> problems) {
        int before = problems.size();
        FieldReader fields = new FieldReader(object, "", problems);
        fields.rejectUnknown(FIELDS);
        String requestId = fields.requiredString("request_id");
        String adapter = fields.requiredNullableString("adapter");
        if (adapter != null) {
            String problem = AdapterIdSyntax.problem(fields.name("adapter"), adapter);
            if (problem != null) {
                problems.add(problem);
            }
        }
        String prompt = fields.optionalString("prompt");
        List<ChatMessage> messages = ChatMessagesField.read(fields, "messages");
        if (fields.has("prompt") == fields.has("messages")) {
            problems.add(fields.has("prompt") ? "both 'prompt' and 'messages' are set; set exactly one"
                    : "missing required field 'prompt' or 'messages' (set exactly one)");
        }
        SamplingParams.Builder sampling = SamplingParams.newBuilder();
        Integer maxTokens = fields.optionalInt("max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens != null) {
            sampling.setMaxTokens(maxTokens);
        }
        Float temperature = fields.optionalFloat("temperature", 0, false, 100);
        if (temperature != null) {
            sampling.setTemperature(temperature);
        }
        Float topP = fields.optionalFloat("top_p", 0, true, 1);
        if (topP != null) {
            sampling.setTopP(topP);
        }
        Integer topK = fields.optionalInt("top_k", 0, Integer.MAX_VALUE);
        if (topK != null) {
            sampling.setTopK(topK);
        }
        sampling.setSeed(fields.optionalLong("seed"));
        List<String> stop = fields.optionalStringOrStrings("stop");
        if (stop != null) {
            sampling.setStop(stop);
        }
        Integer priority = fields.optionalInt("priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Map<String, String> metadata = fields.optionalStringMap("metadata");
        if (problems.size() > before) {
            return null;
        }
        String endpoint = messages != null ? JobRequest.CHAT_ENDPOINT : JobRequest.COMPLETIONS_ENDPOINT;
        return new JobRequest(line, requestId, adapter, prompt, messages, sampling.build(), priority == null ? 0 : priority,
                metadata == null ? Map.of() : metadata, endpoint);
    }
}
