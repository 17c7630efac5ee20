package dev.loraq.batchapi.http;

import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's path below a handler's prefix, as segments ({@code /v1/files/ID/content} under {@code /v1/files} is
 * {@code [ID, content]}), and its query parameters.
 */
record Route(List<String> segments, Map<String, String> query) {

    static Route of(HttpExchange exchange, String prefix) {
        String rest = exchange.getRequestURI().getPath().substring(prefix.length());
        List<String> segments = rest.isEmpty() || rest.equals("/") ? List.of()
                : List.of(rest.substring(rest.startsWith("/") ? 1 : 0).split("/", -1));
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return new Route(segments, query);
    }

    boolean is(String... expected) {
        if (expected.length != segments.size()) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != null && !expected[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }
}
