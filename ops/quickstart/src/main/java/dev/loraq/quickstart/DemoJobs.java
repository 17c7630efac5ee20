package dev.loraq.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's job files, one per tenant, in the formats users bring: the first tenant's in OpenAI Batch format
 * (chat completions), the others in loraq's own format (raw prompts with some base-model requests, and chat).
 */
final class DemoJobs {

    /** One tenant's job: its file, its adapters and the request ids it holds. */
    record TenantJob(String tenant, Path file, List<String> adapters, List<String> requestIds) { }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOPICS = {"shipping delays", "a refund", "the new pricing", "an invoice",
        "password resets", "the quarterly report", "onboarding", "a damaged parcel"};

    private DemoJobs() {
    }

    static List<TenantJob> write(Path dir, List<String> tenants, List<List<String>> adaptersByTenant,
                                 int requestsPerTenant, int maxTokens) throws IOException {
        Files.createDirectories(dir);
        List<TenantJob> jobs = new ArrayList<>();
        for (int t = 0; t < tenants.size(); t++) {
            String tenant = tenants.get(t);
            List<String> adapters = adaptersByTenant.get(t);
            Path file = dir.resolve(tenant + ".jsonl");
            List<String> ids = new ArrayList<>();
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < requestsPerTenant; i++) {
                String id = tenant + "-" + i;
                ids.add(id);
                // Every seventh request of the loraq-format tenants uses the base model.
                String adapter = adapters.isEmpty() || (t > 0 && i % 7 == 6) ? null : adapters.get(i % adapters.size());
                String topic = TOPICS[(i + t) % TOPICS.length];
                ObjectNode line = switch (t % 3) {
                    case 0 -> openAiChat(id, adapter, topic, maxTokens);
                    case 1 -> loraqPrompt(id, adapter, topic, maxTokens);
                    default -> loraqChat(id, adapter, topic, maxTokens);
                };
                lines.append(JSON.writeValueAsString(line)).append('\n');
            }
            Files.writeString(file, lines);
            jobs.add(new TenantJob(tenant, file, adapters, ids));
        }
        return jobs;
    }

    private static ObjectNode openAiChat(String id, String adapter, String topic, int maxTokens) {
        ObjectNode line = JSON.createObjectNode();
        line.put("custom_id", id);
        line.put("method", "POST");
        line.put("url", "/v1/chat/completions");
        ObjectNode body = line.putObject("body");
        body.put("model", adapter == null ? "base" : adapter);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are a helpful support agent.");
        messages.addObject().put("role", "user").put("content", "Write a short reply about " + topic + ".");
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0.7);
        body.put("seed", id.hashCode());
        return line;
    }

    private static ObjectNode loraqPrompt(String id, String adapter, String topic, int maxTokens) {
        ObjectNode line = JSON.createObjectNode();
        line.put("request_id", id);
        line.put("adapter", adapter);
        line.put("prompt", "Product description for a customer asking about " + topic + ":");
        line.put("max_tokens", maxTokens);
        line.put("temperature", 0);
        return line;
    }

    private static ObjectNode loraqChat(String id, String adapter, String topic, int maxTokens) {
        ObjectNode line = JSON.createObjectNode();
        line.put("request_id", id);
        line.put("adapter", adapter);
        ArrayNode messages = line.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Summarise our policy on " + topic + ".");
        line.put("max_tokens", maxTokens);
        line.put("temperature", 0.8);
        line.put("top_p", 0.9);
        line.put("seed", 1000 + id.length());
        return line;
    }
}
