package dev.loraq.online.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.online.protocol.ApiError;
import dev.loraq.online.protocol.OpenAiJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading request bodies and writing JSON answers on a JDK {@link HttpExchange}. */
public final class Exchanges {

    private Exchanges() {
    }

    /**
     * The body as JSON.
     *
     * @throws ApiError 413 when it exceeds {@code maxBytes}, 400 when it is not JSON
     */
    public static JsonNode readJson(HttpExchange exchange, int maxBytes) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            throw new ApiError(413, "invalid_request_error", null, "request_too_large",
                    "the request body exceeds " + maxBytes + " bytes (online.max.body.bytes)", -1);
        }
        try {
            return OpenAiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static void sendJson(HttpExchange exchange, int status, JsonNode json) throws IOException {
        send(exchange, status, "application/json", OpenAiJson.MAPPER.writeValueAsBytes(json));
    }

    public static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        if (error.retryAfterSeconds() >= 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        sendJson(exchange, error.status(), OpenAiJson.error(error));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
