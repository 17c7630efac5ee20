package dev.loraq.online.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.loraq.online.protocol.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One endpoint: exactly one path and method; an {@link ApiError} thrown while serving becomes its OpenAI-shaped
 * answer, anything else a 500 (a bug, logged with its stack).
 */
public abstract class ApiHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final String path;
    private final String method;

    protected ApiHandler(String path, String method) {
        this.path = path;
        this.method = method;
    }

    public String path() {
        return path;
    }

    @Override
    public final void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    throw ApiError.notFound(null, "not_found", "no endpoint " + exchange.getRequestURI().getPath());
                }
                if (!exchange.getRequestMethod().equals(method)) {
                    exchange.getResponseHeaders().set("Allow", method);
                    throw new ApiError(405, "invalid_request_error", null, "method_not_allowed",
                            path + " takes " + method + ", not " + exchange.getRequestMethod(), -1);
                }
                serve(exchange);
            } catch (ApiError e) {
                answer(exchange, e);
            } catch (IOException e) {
                log.debug("online exchange ended path={} reason={}", path, e.toString());
            } catch (RuntimeException e) {
                log.error("online request failed path={}", path, e);
                answer(exchange, new ApiError(500, "server_error", null, "internal_error",
                        "internal error: " + e.getClass().getSimpleName(), -1));
            }
        }
    }

    private static void answer(HttpExchange exchange, ApiError e) throws IOException {
        if (exchange.getResponseCode() != -1) {
            log.warn("online error after the answer began status={} message={}", e.status(), e.getMessage());
            return;
        }
        Exchanges.sendError(exchange, e);
    }

    /** Serves one request on the right path and method. */
    protected abstract void serve(HttpExchange exchange) throws IOException;
}
