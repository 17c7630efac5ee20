package dev.loraq.service.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The JDK's HTTP server with three paths: {@code /metrics} (Prometheus text), {@code /health} (200 while the consumer
 * thread is alive and has not failed) and {@code /ready} (200 once it has joined the group and the engine is open).
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;

    public MetricsEndpoint(String host, int port, Supplier<String> metrics, BooleanSupplier healthy, BooleanSupplier ready) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind the metrics endpoint to " + host + ":" + port + " (metrics.host, metrics.port): " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "loraq-metrics-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/health", exchange -> status(exchange, healthy.getAsBoolean()));
        server.createContext("/ready", exchange -> status(exchange, ready.getAsBoolean()));
        server.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(HttpExchange exchange, boolean ok) throws IOException {
        respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "unavailable\n");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
