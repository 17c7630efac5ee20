package dev.loraq.openai.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One endpoint, or one path prefix: an {@link ApiError} thrown while serving becomes its OpenAI-shaped answer,
 * anything else a 500 (a bug, logged with its stack). With a method, only exactly that path and method are served;
 * without one ({@link #ApiHandler(String)}), every path under the prefix reaches {@link #serve}, which routes.
 */
public abstract class ApiHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final String path;
    private final String method;

    /** Exactly {@code path}, only {@code method}. */
    protected ApiHandler(String path, String method) {
        this.path = path;
        this.method = method;
    }

    /** Every path under {@code prefix} and every method: {@link #serve} routes and answers 404 or 405 itself. */
    protected ApiHandler(String prefix) {
        this(prefix, null);
    }

    public String path() {
        return path;
    }

    @Override
    public final void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                if (method != null) {
                    if (!exchange.getRequestURI().getPath().equals(path)) {
                        throw notFound(exchange);
                    }
                    requireMethod(exchange, method);
                }
                serve(exchange);
            } catch (ApiError e) {
                answer(exchange, e);
            } catch (IOException e) {
                log.debug("api exchange ended path={} reason={}", path, e.toString());
            } catch (RuntimeException e) {
                log.error("api request failed path={}", exchange.getRequestURI().getPath(), e);
                answer(exchange, new ApiError(500, "server_error", null, "internal_error",
                        "internal error: " + e.getClass().getSimpleName(), -1));
            }
        }
    }

    /** The 404 of a path no endpoint serves. */
    public static ApiError notFound(HttpExchange exchange) {
        return ApiError.notFound(null, "not_found", "no endpoint " + exchange.getRequestURI().getPath());
    }

    /** @throws ApiError 405 (with an Allow header) unless the request's method is {@code allowed} */
    public static void requireMethod(HttpExchange exchange, String allowed) {
        if (!exchange.getRequestMethod().equals(allowed)) {
            exchange.getResponseHeaders().set("Allow", allowed);
            throw new ApiError(405, "invalid_request_error", null, "method_not_allowed",
                    exchange.getRequestURI().getPath() + " takes " + allowed + ", not " + exchange.getRequestMethod(), -1);
        }
    }

    private static void answer(HttpExchange exchange, ApiError e) throws IOException {
        if (exchange.getResponseCode() != -1) {
            log.warn("api error after the answer began status={} message={}", e.status(), e.getMessage());
            return;
        }
        Exchanges.sendError(exchange, e);
    }

    /** Serves one request (on the right path and method, when the handler has one). */
    protected abstract void serve(HttpExchange exchange) throws IOException;
}
