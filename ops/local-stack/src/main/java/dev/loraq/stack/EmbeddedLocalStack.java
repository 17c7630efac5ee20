package dev.loraq.stack;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker-free stack: an in-process {@link EmbeddedKafkaBroker} and a child-JVM {@link SchemaRegistryProcess},
 * started concurrently (the registry's JVM start and the broker's startup overlap).
 */
public final class EmbeddedLocalStack implements LocalStack {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedLocalStack.class);

    private final DataDirectory dataDirectory;
    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryProcess registry;
    private boolean closed;

    private EmbeddedLocalStack(DataDirectory dataDirectory, EmbeddedKafkaBroker broker, SchemaRegistryProcess registry) {
        this.dataDirectory = dataDirectory;
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts broker and registry in parallel and returns once both answer; on failure stops whatever started. */
    public static EmbeddedLocalStack start(LocalStackConfig config) {
        long startNanos = System.nanoTime();
        DataDirectory data = DataDirectory.chosenOrTemporary(config.dataDir(), "loraq-stack-");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Optional.of(data.resolve("kafka")), config.kafkaPort(),
                config.kafkaSecurity());
        CompletableFuture<SchemaRegistryProcess> registryStart = CompletableFuture.supplyAsync(() -> {
            ApicurioDistribution distribution = ApicurioDistribution.prepare(config.apicurioArchive(), config.cacheDir());
            SchemaRegistryProcess registry = new SchemaRegistryProcess(distribution, Optional.of(data.resolve("registry")),
                    config.registryPort(), config.registryHeapMb(), config.registryStartupTimeout());
            try {
                registry.start();
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        }, runnable -> Thread.ofPlatform().name("schema-registry-start").daemon().start(runnable));
        RuntimeException brokerFailure = null;
        try {
            broker.start();
        } catch (RuntimeException e) {
            brokerFailure = e;
        }
        SchemaRegistryProcess registry;
        try {
            registry = registryStart.join();
        } catch (CompletionException e) {
            broker.close();
            data.release();
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
            if (brokerFailure != null) {
                cause.addSuppressed(brokerFailure);
            }
            throw cause;
        }
        if (brokerFailure != null) {
            registry.close();
            data.release();
            throw brokerFailure;
        }
        LOG.info("local stack ready bootstrap.servers={} schema.registry.url={} dataDir={} startupMs={}",
                broker.bootstrapServers(), registry.registryUrl(), data.path(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return new EmbeddedLocalStack(data, broker, registry);
    }

    /** Defaults: free ports, temporary data. */
    public static EmbeddedLocalStack start() {
        return start(LocalStackConfig.defaults());
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public java.util.Map<String, Object> kafkaClientProperties() {
        return broker.superUserClientProperties();
    }

    /** The broker's users and settings (SASL or none). */
    public BrokerSecurity kafkaSecurity() {
        return broker.security();
    }

    @Override
    public String registryUrl() {
        return registry.registryUrl();
    }

    /** Process id of the registry's child JVM. */
    public long registryPid() {
        return registry.pid();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Stop both in parallel too; each close is independent.
        CompletableFuture<Void> registryStop = CompletableFuture.runAsync(registry::close,
                runnable -> Thread.ofPlatform().name("schema-registry-stop").start(runnable));
        try {
            broker.close();
        } finally {
            registryStop.join();
            dataDirectory.release();
        }
    }
}
