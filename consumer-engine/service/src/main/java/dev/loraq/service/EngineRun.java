package dev.loraq.service;

import dev.loraq.engine.Engine;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.online.OnlineServer;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;

/**
 * One {@code loraq-engine run}: a single {@link Engine} (one model in memory), the Kafka service on it and, with
 * online.enabled=true, the online API on the same engine, so interactive requests and Kafka records share one
 * scheduler and one batch. {@link #close} stops the online listener first, then the service, which closes the engine.
 */
public final class EngineRun implements AutoCloseable {

    private final EngineService service;
    private final OnlineServer online;

    private EngineRun(EngineService service, OnlineServer online) {
        this.service = service;
        this.online = online;
    }

    /**
     * Opens the engine and starts the service (and the online API when enabled).
     *
     * @throws dev.loraq.engine.config.ConfigException for a bad engine or online value
     * @throws RuntimeException when the online API cannot listen or its keys file is unusable (the engine is closed)
     */
    public static EngineRun start(ServiceConfig config) {
        EngineConfig engineConfig = new EngineConfig(config.engineSettings());
        OnlineConfig onlineConfig = new OnlineConfig(config.onlineSettings());
        Engine engine = Engine.open(engineConfig);
        OnlineServer online;
        EngineService service;
        try {
            online = onlineConfig.enabled()
                    ? OnlineServer.start(engine, onlineConfig, engineConfig.adaptersDir().orElse(null)) : null;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        try {
            service = EngineService.start(config, LocalEngine.wrap(engine));
        } catch (RuntimeException e) {
            if (online != null) {
                online.close();
            }
            engine.close();
            throw e;
        }
        if (online != null) {
            service.countOnlineUsage(online.usage());
        }
        return new EngineRun(service, online);
    }

    public EngineService service() {
        return service;
    }

    /** The online API, or null when online.enabled=false. */
    public OnlineServer online() {
        return online;
    }

    /** Blocks until the consumer loop ends. */
    public void awaitTermination() throws InterruptedException {
        service.awaitTermination();
    }

    @Override
    public void close() {
        if (online != null) {
            online.close();
        }
        service.close();
    }
}
