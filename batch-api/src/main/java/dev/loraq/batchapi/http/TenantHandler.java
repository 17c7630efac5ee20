package dev.loraq.batchapi.http;

import com.sun.net.httpserver.HttpExchange;
import dev.loraq.openai.http.ApiHandler;
import dev.loraq.openai.http.auth.Authenticator;
import dev.loraq.tools.kafka.PipelineException;
import java.io.IOException;

/**
 * A path prefix of the Batch API: the caller's key gives the tenant every lookup is filtered by (401 without a
 * valid one), the path below the prefix is routed by the subclass, and a pipeline failure becomes its answer.
 */
abstract class TenantHandler extends ApiHandler {

    private final String prefix;
    private final Authenticator auth;

    TenantHandler(String prefix, Authenticator auth) {
        super(prefix);
        this.prefix = prefix;
        this.auth = auth;
    }

    @Override
    protected final void serve(HttpExchange exchange) throws IOException {
        String tenant = auth.authenticate(exchange.getRequestHeaders().getFirst("Authorization")).tenant();
        try {
            serve(exchange, tenant, Route.of(exchange, prefix));
        } catch (PipelineException e) {
            throw PipelineErrors.of(e);
        }
    }

    /** Serves one request of {@code tenant}; answers 404 or 405 itself for a route it does not serve. */
    protected abstract void serve(HttpExchange exchange, String tenant, Route route) throws IOException;
}
