package dev.loraq.tools.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.SamplingParams;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI Batch API input line: {@code custom_id}, {@code method} POST, {@code url} /v1/chat/completions or
 * /v1/completions, and a {@code body} whose {@code model} is the adapter id (the configured base-model alias means
 * no adapter). Body fields loraq cannot honour are rejected rather than ignored, so results never silently differ
 * from what the caller asked for.
 */
final class OpenAiBatchLineParser implements RequestLineParser {

    static final Set<String> FIELDS = new LinkedHashSet<>(List.of("custom_id", "method", "url", "body"));
    static final Set<String> BODY_FIELDS = new LinkedHashSet<>(List.of("model", "messages", "prompt", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "top_k", "seed", "stop", "n"));

    private final String baseModelAlias;

    OpenAiBatchLineParser(String baseModelAlias) {
        this.baseModelAlias = baseModelAlias;
    }

    @Override
    public JobRequest parse(int line, JsonNode object, List<String> problems) {
        int before = problems.size();
        FieldReader fields = new FieldReader(object, "", problems);
        fields.rejectUnknown(FIELDS);
        String customId = fields.requiredString("custom_id");
        String method = fields.requiredString("method");
        if (method != null && !method.equals("POST")) {
            problems.add("field 'method' is '" + method + "', must be POST");
        }
        String url = fields.requiredString("url");
        if (url != null && !url.equals(JobRequest.CHAT_ENDPOINT) && !url.equals(JobRequest.COMPLETIONS_ENDPOINT)) {
            problems.add("field 'url' is '" + url + "', must be " + JobRequest.CHAT_ENDPOINT + " or " + JobRequest.COMPLETIONS_ENDPOINT);
            url = null;
        }
        JsonNode body = object.get("body");
        if (body == null) {
            problems.add("missing required field 'body'");
            return null;
        }
        if (!body.isObject()) {
            problems.add("field 'body' must be an object, got " + FieldReader.describe(body));
            return null;
        }
        FieldReader bodyFields = new FieldReader(body, "body.", problems);
        bodyFields.rejectUnknown(BODY_FIELDS);
        String model = null;
        if (!bodyFields.present("model")) {
            problems.add("missing required field 'body.model' (the adapter id, or '" + baseModelAlias + "' for the base model)");
        } else {
            model = bodyFields.requiredString("model");
            if (model != null && !model.equals(baseModelAlias)) {
                String problem = AdapterIdSyntax.problem(bodyFields.name("model"), model);
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
        String prompt = null;
        List<ChatMessage> messages = null;
        if (JobRequest.CHAT_ENDPOINT.equals(url)) {
            if (!bodyFields.present("messages")) {
                problems.add("missing required field 'body.messages' (required by " + url + ")");
            }
            if (bodyFields.present("prompt")) {
                problems.add("field 'body.prompt' is not allowed with " + url + "; use body.messages");
            }
            messages = ChatMessagesField.read(bodyFields, "messages");
        } else if (JobRequest.COMPLETIONS_ENDPOINT.equals(url)) {
            if (!bodyFields.present("prompt")) {
                problems.add("missing required field 'body.prompt' (required by " + url + ")");
            }
            if (bodyFields.present("messages")) {
                problems.add("field 'body.messages' is not allowed with " + url + "; use body.prompt");
            }
            prompt = bodyFields.optionalString("prompt");
        }
        SamplingParams.Builder sampling = SamplingParams.newBuilder();
        if (bodyFields.has("max_tokens") && bodyFields.has("max_completion_tokens")) {
            problems.add("both 'body.max_tokens' and 'body.max_completion_tokens' are set; set one");
        }
        Integer maxTokens = bodyFields.optionalInt("max_tokens", 1, Integer.MAX_VALUE);
        Integer maxCompletionTokens = bodyFields.optionalInt("max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens != null || maxCompletionTokens != null) {
            sampling.setMaxTokens(maxTokens != null ? maxTokens : maxCompletionTokens);
        }
        Float temperature = bodyFields.optionalFloat("temperature", 0, false, 2);
        if (temperature != null) {
            sampling.setTemperature(temperature);
        }
        Float topP = bodyFields.optionalFloat("top_p", 0, true, 1);
        if (topP != null) {
            sampling.setTopP(topP);
        }
        Integer topK = bodyFields.optionalInt("top_k", 0, Integer.MAX_VALUE);
        if (topK != null) {
            sampling.setTopK(topK);
        }
        sampling.setSeed(bodyFields.optionalLong("seed"));
        List<String> stop = bodyFields.optionalStringOrStrings("stop");
        if (stop != null) {
            sampling.setStop(stop);
        }
        Integer n = bodyFields.optionalInt("n", 1, Integer.MAX_VALUE);
        if (n != null && n != 1) {
            problems.add("field 'body.n' is " + n + "; loraq generates one choice per request (n must be 1)");
        }
        if (problems.size() > before) {
            return null;
        }
        String adapter = model.equals(baseModelAlias) ? null : model;
        return new JobRequest(line, customId, adapter, prompt, messages, sampling.build(), 0, Map.of(), url);
    }
}
