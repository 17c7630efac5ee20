package dev.loraq.online.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.online.protocol.OpenAiJson;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent event stream of {@code data: JSON} lines, ended by {@code data: [DONE]}. The 200 and its headers go
 * out with the first event, so a request refused before its first token still gets its error status. Events may
 * come from several delivery threads (n choices): writes are serialized. The first write that fails (the client
 * went away) runs {@code onDisconnect} once and silences the stream.
 */
final class SseStream {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpExchange exchange;
    private final Runnable onDisconnect;
    private boolean started;
    private boolean broken;

    SseStream(HttpExchange exchange, Runnable onDisconnect) {
        this.exchange = exchange;
        this.onDisconnect = onDisconnect;
    }

    /** Whether the status line went out (an error must then travel as an event). */
    synchronized boolean started() {
        return started;
    }

    /** Whether the client went away. */
    synchronized boolean broken() {
        return broken;
    }

    synchronized void send(JsonNode event) {
        try {
            write(("data: " + OpenAiJson.MAPPER.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("event not serializable", e);
        }
    }

    synchronized void done() {
        write(DONE);
    }

    private void write(byte[] bytes) {
        if (broken) {
            return;
        }
        try {
            if (!started) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                started = true;
            }
            OutputStream out = exchange.getResponseBody();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            broken = true;
            onDisconnect.run();
        }
    }
}
