package dev.loraq.online.http;

import dev.loraq.online.config.OnlineConfig;
import dev.loraq.openai.http.Exchanges;
import dev.loraq.openai.http.ApiHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.engine.Engine;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.lora.AdapterId;
import dev.loraq.online.adapters.AdapterPaths;
import dev.loraq.openai.http.auth.Authenticator;
import dev.loraq.openai.http.auth.Caller;
import dev.loraq.openai.http.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * vLLM's {@code POST /v1/load_lora_adapter} ({@code lora_name}, {@code lora_path}) and
 * {@code POST /v1/unload_lora_adapter} ({@code lora_name}), for admin keys only. Loading a name again serves its
 * files as they are now (new weights for new requests); one folder is served under one name only.
 */
public final class AdapterAdminHandler extends ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(AdapterAdminHandler.class);

    private final boolean load;
    private final Engine engine;
    private final Authenticator auth;
    private final AdapterPaths paths;
    private final int maxBodyBytes;

    public AdapterAdminHandler(boolean load, Engine engine, Authenticator auth, AdapterPaths paths, int maxBodyBytes) {
        super(load ? "/v1/load_lora_adapter" : "/v1/unload_lora_adapter", "POST");
        this.load = load;
        this.engine = engine;
        this.auth = auth;
        this.paths = paths;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void serve(HttpExchange exchange) throws IOException {
        Caller caller = auth.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (!caller.admin()) {
            throw ApiError.forbidden(null, "loading and unloading adapters needs an admin key; tenant '"
                    + caller.tenant() + "' has none");
        }
        JsonNode body = Exchanges.readJson(exchange, maxBodyBytes, OnlineConfig.MAX_BODY_BYTES);
        String name = text(body, "lora_name");
        if (!AdapterId.isValid(name)) {
            try {
                AdapterId.of(name);
            } catch (InvalidRequestException e) {
                throw ApiError.badRequest("lora_name", e.getMessage());
            }
        }
        try {
            if (load) {
                Path folder = paths.resolve(text(body, "lora_path"));
                engine.registerAdapter(name, folder);
                log.info("online adapter loaded adapter={} folder={} by={}", name, folder, caller.tenant());
                Exchanges.sendText(exchange, 200, "Success: LoRA adapter '" + name + "' added successfully.");
            } else {
                engine.unregisterAdapter(name);
                log.info("online adapter unloaded adapter={} by={}", name, caller.tenant());
                Exchanges.sendText(exchange, 200, "Success: LoRA adapter '" + name + "' removed successfully.");
            }
        } catch (InvalidRequestException e) {
            if (e.code() == ErrorCode.UNKNOWN_ADAPTER && !load) {
                throw ApiError.notFound("lora_name", "model_not_found", e.getMessage());
            }
            throw ApiError.badRequest("lora_path", e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw ApiError.badRequest(field, field + " is required (a non-empty string)");
        }
        return v.asText();
    }
}
