package dev.loraq.service.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The JDK's HTTP server with three paths: {@code /metrics} (Prometheus text), {@code /health} and {@code /ready}: 200
 * "ok" while their check finds no problem, otherwise 503 with the problem (see {@code EngineHealth} for the rules).
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;

    public MetricsEndpoint(String host, int port, Supplier<String> metrics, Supplier<String> healthProblem, Supplier<String> readyProblem) {
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
        server.createContext("/health", exchange -> status(exchange, healthProblem.get()));
        server.createContext("/ready", exchange -> status(exchange, readyProblem.get()));
        server.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(HttpExchange exchange, String problem) throws IOException {
        respond(exchange, problem == null ? 200 : 503, "text/plain; charset=utf-8", problem == null ? "ok\n" : "unavailable: " + problem + "\n");
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
