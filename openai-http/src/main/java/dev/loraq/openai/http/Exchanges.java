package dev.loraq.openai.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading request bodies and writing JSON answers on a JDK {@link HttpExchange}. */
public final class Exchanges {

    private Exchanges() {
    }

    /**
     * The whole body, at most {@code maxBytes}.
     *
     * @param limitKey the configuration key of the limit, named in the error
     * @throws ApiError 413 when the body exceeds {@code maxBytes}
     */
    public static byte[] readBody(HttpExchange exchange, int maxBytes, String limitKey) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            throw new ApiError(413, "invalid_request_error", null, "request_too_large",
                    "the request body exceeds " + maxBytes + " bytes (" + limitKey + ")", -1);
        }
        return body;
    }

    /**
     * The body as JSON.
     *
     * @throws ApiError 413 when it exceeds {@code maxBytes}, 400 when it is not JSON
     */
    public static JsonNode readJson(HttpExchange exchange, int maxBytes, String limitKey) throws IOException {
        byte[] body = readBody(exchange, maxBytes, limitKey);
        try {
            return ApiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static void sendJson(HttpExchange exchange, int status, JsonNode json) throws IOException {
        send(exchange, status, "application/json", ApiJson.MAPPER.writeValueAsBytes(json));
    }

    public static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Raw bytes with their content type (a file's content). */
    public static void sendBytes(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        send(exchange, status, contentType, body);
    }

    public static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        if (error.retryAfterSeconds() >= 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        sendJson(exchange, error.status(), ApiJson.error(error));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
