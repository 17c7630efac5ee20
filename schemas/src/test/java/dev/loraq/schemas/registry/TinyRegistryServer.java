package dev.loraq.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A small, real HTTP server on 127.0.0.1 speaking the handful of Confluent registry endpoints the client uses, with
 * in-memory state and a request counter. It does not check compatibility: a subject whose name starts with
 * "incompatible-" refuses every version after its first with 409, as a registry does for a breaking change.
 * Unit tests use it to count the client's HTTP calls; the integration tests use the real Apicurio registry.
 */
public final class TinyRegistryServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> requestLines = new ArrayList<>();
    private final Map<String, Integer> idByCanonical = new HashMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Map<String, String> configBySubject = new HashMap<>();
    private volatile int failNextWith500;

    public TinyRegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requestCount() {
        return requests.get();
    }

    public synchronized List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    public void failNextWith500(int count) {
        failNextWith500 = count;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String method = exchange.getRequestMethod();
        String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        requestLines.add(method + " " + path);
        JsonNode body = method.equals("GET") ? null : JSON.readTree(exchange.getRequestBody().readAllBytes());
        if (failNextWith500 > 0) {
            failNextWith500--;
            reply(exchange, 500, error(50001, "Error in the backend datastore"));
            return;
        }
        String[] parts = path.substring(1).split("/");
        if (method.equals("POST") && parts.length == 3 && parts[0].equals("subjects") && parts[2].equals("versions")) {
            String subject = parts[1];
            String schema = canonical(body.get("schema").asText());
            if (subject.startsWith("incompatible-") && versionsBySubject.containsKey(subject)) {
                reply(exchange, 409, error(409, "Incompatible schema: field 'x' has no default"));
                return;
            }
            int id = idByCanonical.computeIfAbsent(schema, s -> idByCanonical.size() + 1);
            schemaById.put(id, schema);
            List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!versions.contains(id)) {
                versions.add(id);
            }
            reply(exchange, 200, JSON.createObjectNode().put("id", id));
        } else if (method.equals("GET") && parts.length == 3 && parts[0].equals("schemas") && parts[1].equals("ids")) {
            String schema = schemaById.get((int) Long.parseLong(parts[2]));
            if (schema == null) {
                reply(exchange, 404, error(40403, "Schema " + parts[2] + " not found"));
            } else {
                reply(exchange, 200, JSON.createObjectNode().put("schema", schema));
            }
        } else if (method.equals("GET") && parts.length == 4 && parts[0].equals("subjects") && parts[3].equals("latest")) {
            List<Integer> versions = versionsBySubject.get(parts[1]);
            if (versions == null) {
                reply(exchange, 404, error(40401, "Subject '" + parts[1] + "' not found."));
            } else {
                int id = versions.getLast();
                reply(exchange, 200, JSON.createObjectNode().put("subject", parts[1]).put("version", versions.size())
                        .put("id", id).put("schema", schemaById.get(id)));
            }
        } else if (method.equals("POST") && parts.length == 2 && parts[0].equals("subjects")) {
            List<Integer> versions = versionsBySubject.get(parts[1]);
            Integer id = idByCanonical.get(canonical(body.get("schema").asText()));
            if (versions == null) {
                reply(exchange, 404, error(40401, "Subject '" + parts[1] + "' not found."));
            } else if (id == null || !versions.contains(id)) {
                reply(exchange, 404, error(40403, "Schema not found"));
            } else {
                reply(exchange, 200, JSON.createObjectNode().put("subject", parts[1]).put("version", versions.indexOf(id) + 1)
                        .put("id", id).put("schema", schemaById.get(id)));
            }
        } else if (parts[0].equals("config")) {
            String subject = parts.length > 1 ? parts[1] : "";
            if (method.equals("PUT")) {
                configBySubject.put(subject, body.get("compatibility").asText());
                reply(exchange, 200, JSON.createObjectNode().put("compatibility", body.get("compatibility").asText()));
            } else {
                reply(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", configBySubject.getOrDefault(subject, "BACKWARD")));
            }
        } else if (method.equals("POST") && parts[0].equals("compatibility")) {
            boolean rejects = parts[2].startsWith("incompatible-");
            ObjectNode answer = JSON.createObjectNode().put("is_compatible", !rejects);
            if (rejects) {
                answer.putArray("messages").add("field 'x' has no default");
            }
            reply(exchange, 200, answer);
        } else {
            reply(exchange, 400, error(40000, "unsupported " + method + " " + path));
        }
    }

    private static String canonical(String schema) {
        return new Schema.Parser().parse(schema).toString();
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
