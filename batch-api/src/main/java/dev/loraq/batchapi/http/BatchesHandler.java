package dev.loraq.batchapi.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.batchapi.batches.Batch;
import dev.loraq.batchapi.batches.BatchJson;
import dev.loraq.batchapi.batches.Batches;
import dev.loraq.batchapi.config.BatchApiConfig;
import dev.loraq.batchapi.files.BatchFiles;
import dev.loraq.batchapi.files.FileContent;
import dev.loraq.openai.http.ApiError;
import dev.loraq.openai.http.ApiJson;
import dev.loraq.openai.http.Exchanges;
import dev.loraq.openai.http.auth.Authenticator;
import dev.loraq.tools.submit.CompletionWindow;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/batches}: create, retrieve, list ({@code limit}, {@code after}) and cancel a tenant's batches. */
public final class BatchesHandler extends TenantHandler {

    public static final String PREFIX = "/v1/batches";
    private static final Set<String> ENDPOINTS = Set.of("/v1/chat/completions", "/v1/completions");
    private static final int MAX_METADATA_PAIRS = 16;

    private final BatchFiles files;
    private final Batches batches;
    private final int maxBodyBytes;

    public BatchesHandler(Authenticator auth, BatchFiles files, Batches batches, int maxBodyBytes) {
        super(PREFIX, auth);
        this.files = files;
        this.batches = batches;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void serve(HttpExchange exchange, String tenant, Route route) throws IOException {
        if (route.is()) {
            if (exchange.getRequestMethod().equals("POST")) {
                Exchanges.sendJson(exchange, 200, BatchJson.of(create(exchange, tenant)));
            } else {
                requireMethod(exchange, "GET");
                Exchanges.sendJson(exchange, 200, list(tenant, route.query()));
            }
        } else if (route.is((String) null)) {
            requireMethod(exchange, "GET");
            Exchanges.sendJson(exchange, 200, BatchJson.of(batches.get(tenant, route.segments().getFirst())));
        } else if (route.is(null, "cancel")) {
            requireMethod(exchange, "POST");
            Exchanges.sendJson(exchange, 200, BatchJson.of(batches.cancel(tenant, route.segments().getFirst())));
        } else {
            throw notFound(exchange);
        }
    }

    private Batch create(HttpExchange exchange, String tenant) throws IOException {
        JsonNode body = Exchanges.readJson(exchange, maxBodyBytes, BatchApiConfig.MAX_BODY_BYTES_CONFIG);
        String inputFileId = requiredText(body, "input_file_id");
        String endpoint = requiredText(body, "endpoint");
        if (!ENDPOINTS.contains(endpoint)) {
            throw ApiError.badRequest("endpoint", "endpoint must be one of " + ENDPOINTS + ", got '" + endpoint + "'");
        }
        String windowText = requiredText(body, "completion_window");
        Duration window;
        try {
            window = CompletionWindow.parse(windowText);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("completion_window", e.getMessage());
        }
        Map<String, String> metadata = metadata(body.get("metadata"));
        FileContent input = files.content(tenant, inputFileId);
        return batches.create(tenant, input.file(), input.bytes(), endpoint, windowText, window, metadata);
    }

    private ObjectNode list(String tenant, Map<String, String> query) {
        int limit = 20;
        if (query.containsKey("limit")) {
            try {
                limit = Integer.parseInt(query.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw ApiError.badRequest("limit", "limit must be a whole number from 1 to 100, got '" + query.get("limit") + "'");
            }
        }
        List<Batch> all = batches.list(tenant);
        int from = 0;
        String after = query.get("after");
        if (after != null) {
            from = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(after)) {
                    from = i + 1;
                }
            }
            if (from < 0) {
                throw ApiError.badRequest("after", "no batch '" + after + "' to list after");
            }
        }
        List<Batch> page = all.subList(from, Math.min(all.size(), from + limit));
        ArrayNode data = ApiJson.MAPPER.createArrayNode();
        page.forEach(b -> data.add(BatchJson.of(b)));
        ObjectNode list = ApiJson.list(data);
        list.put("first_id", page.isEmpty() ? null : page.getFirst().id());
        list.put("last_id", page.isEmpty() ? null : page.getLast().id());
        list.put("has_more", from + page.size() < all.size());
        return list;
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode value = body == null ? null : body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw ApiError.badRequest(field, "'" + field + "' is required and must be a non-empty string");
        }
        return value.asText();
    }

    /** OpenAI's rule: at most 16 pairs, keys up to 64 characters, values strings up to 512. */
    private static Map<String, String> metadata(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return metadata;
        }
        if (!node.isObject() || node.size() > MAX_METADATA_PAIRS) {
            throw ApiError.badRequest("metadata", "metadata must be an object of at most " + MAX_METADATA_PAIRS + " string pairs");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 64 || !e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw ApiError.badRequest("metadata", "metadata '" + e.getKey() + "': keys are 1-64 characters, values strings of at most 512");
            }
            metadata.put(e.getKey(), e.getValue().asText());
        }
        return metadata;
    }
}
