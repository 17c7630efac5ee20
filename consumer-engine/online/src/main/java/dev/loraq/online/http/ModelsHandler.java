package dev.loraq.online.http;

import dev.loraq.openai.http.ApiJson;
import dev.loraq.openai.http.Exchanges;
import dev.loraq.openai.http.ApiHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.engine.Engine;
import dev.loraq.online.auth.AdapterTenants;
import dev.loraq.openai.http.auth.Authenticator;
import dev.loraq.openai.http.auth.Caller;
import dev.loraq.online.protocol.OpenAiJson;

import java.io.IOException;

/** {@code GET /v1/models}: the base model and the adapters the caller may use, each with the base as parent (vLLM). */
public final class ModelsHandler extends ApiHandler {

    private final Engine engine;
    private final Authenticator auth;
    private final AdapterTenants tenants;
    private final String baseModel;
    private final long created = System.currentTimeMillis() / 1000;

    public ModelsHandler(Engine engine, Authenticator auth, AdapterTenants tenants, String baseModel) {
        super("/v1/models", "GET");
        this.engine = engine;
        this.auth = auth;
        this.tenants = tenants;
        this.baseModel = baseModel;
    }

    @Override
    protected void serve(HttpExchange exchange) throws IOException {
        Caller caller = auth.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        ArrayNode data = OpenAiJson.MAPPER.createArrayNode();
        data.add(OpenAiJson.model(baseModel, created, "loraq", null));
        for (String adapter : engine.adapterIds()) {
            if (tenants.mayUse(caller, adapter)) {
                data.add(OpenAiJson.model(adapter, created, tenants.owner(adapter).orElse("loraq"), baseModel));
            }
        }
        Exchanges.sendJson(exchange, 200, ApiJson.list(data));
    }
}
