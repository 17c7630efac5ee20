package dev.loraq.online;

import dev.loraq.engine.Engine;
import dev.loraq.online.adapters.AdapterPaths;
import dev.loraq.online.auth.AdapterTenants;
import dev.loraq.openai.http.ApiListener;
import dev.loraq.openai.http.auth.ApiKeyFile;
import dev.loraq.openai.http.auth.Authenticator;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.online.http.AdapterAdminHandler;
import dev.loraq.online.http.CompletionsHandler;
import dev.loraq.online.http.ModelsHandler;
import dev.loraq.online.usage.TenantUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The online front door: an OpenAI-compatible HTTP API (JDK HttpServer, a virtual thread per exchange)
 * over an {@link Engine} it does not own, so the Kafka service and this API share one model in memory. Closing it
 * stops the listener; the engine stays open.
 */
public final class OnlineServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnlineServer.class);

    private final ApiListener listener;
    private final TenantUsage usage = new TenantUsage();
    private final AtomicBoolean closed = new AtomicBoolean();

    private OnlineServer(Engine engine, OnlineConfig config, Path adaptersDir) throws IOException {
        config.requireServable();
        ApiKeyFile keys = config.authRequired()
                ? new ApiKeyFile(config.apiKeysFile().orElseThrow(), config.apiKeysReloadMs()) : null;
        Authenticator auth = new Authenticator(keys);
        AdapterTenants tenants = new AdapterTenants(config.adapterTenants(), config.adapterTenantSeparator());
        List<Path> roots = !config.adapterRoots().isEmpty() ? config.adapterRoots()
                : adaptersDir == null ? List.of() : List.of(adaptersDir);
        AdapterPaths paths = new AdapterPaths(roots);
        String baseModel = config.modelName().isEmpty() ? engine.modelId() : config.modelName();
        this.listener = ApiListener.start(config.listenAddress(), config.port(), "loraq-online-", List.of(
                new CompletionsHandler(true, engine, auth, tenants, usage, config, baseModel),
                new CompletionsHandler(false, engine, auth, tenants, usage, config, baseModel),
                new ModelsHandler(engine, auth, tenants, baseModel),
                new AdapterAdminHandler(true, engine, auth, paths, config.maxBodyBytes()),
                new AdapterAdminHandler(false, engine, auth, paths, config.maxBodyBytes())));
        log.info("online api listening address={} port={} auth={} model={} adapterRoots={}", config.listenAddress(),
                port(), config.authRequired() ? OnlineConfig.AUTH_REQUIRED : OnlineConfig.AUTH_OFF, baseModel, roots);
        if (!config.authRequired()) {
            log.warn("online api without keys (online.auth=off): every caller may use every adapter and load or unload adapters");
        }
    }

    /**
     * Starts listening.
     *
     * @param adaptersDir the engine's adapters.dir, the default root of load_lora_adapter (null: none)
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalArgumentException when the keys file or an adapter root is unusable
     */
    public static OnlineServer start(Engine engine, OnlineConfig config, Path adaptersDir) {
        try {
            return new OnlineServer(engine, config, adaptersDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.listenAddress() + ":" + config.port()
                    + " (" + OnlineConfig.LISTEN_ADDRESS + ", " + OnlineConfig.PORT + "): " + e.getMessage(), e);
        }
    }

    /** The bound port. */
    public int port() {
        return listener.port();
    }

    /** Online usage per tenant, for metrics. */
    public TenantUsage usage() {
        return usage;
    }

    /** Stops the listener (open exchanges get a second to finish); the engine stays open. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close();
        log.info("online api stopped port={}", port());
    }
}
