package dev.loraq.engine.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import dev.loraq.engine.config.BackendType;
import dev.loraq.engine.config.ConfigException;
import dev.loraq.engine.config.EngineConfig;

/**
 * The compute backends present, keyed by {@link BackendType}: the providers that {@link ServiceLoader} finds on the
 * class path, so that a backend module is added by putting its jar there and nothing in the engine names it.
 */
public final class BackendProviders {
    private final Map<BackendType, ComputeBackendProvider> byType;

    private BackendProviders(Map<BackendType, ComputeBackendProvider> byType) {
        this.byType = byType;
    }

    /** The providers registered on the class path. */
    public static BackendProviders onClassPath() {
        return of(ServiceLoader.load(ComputeBackendProvider.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** @throws IllegalStateException when two providers claim one type, naming both */
    public static BackendProviders of(List<ComputeBackendProvider> providers) {
        Map<BackendType, ComputeBackendProvider> byType = new EnumMap<>(BackendType.class);
        for (ComputeBackendProvider p : providers) {
            ComputeBackendProvider other = byType.putIfAbsent(p.type(), p);
            if (other != null) {
                throw new IllegalStateException("two providers of backend " + p.type().configValue()
                        + " on the class path: " + other.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new BackendProviders(byType);
    }

    /** Every provider present, in {@link BackendType} order. */
    public List<ComputeBackendProvider> all() {
        return List.copyOf(byType.values());
    }

    /**
     * The provider of a backend type.
     *
     * @throws ConfigException naming the {@code backend} key, and the module and jar that provide the type, when no
     *         provider of it is on the class path (one line, for the start-up error)
     */
    public ComputeBackendProvider require(BackendType type) {
        ComputeBackendProvider p = byType.get(type);
        if (p == null) {
            String present = byType.keySet().stream().map(t -> "backend=" + t.configValue())
                    .collect(Collectors.joining(" or "));
            throw new ConfigException(EngineConfig.BACKEND, "invalid value " + type.configValue()
                    + " for configuration '" + EngineConfig.BACKEND + "': the " + type.configValue()
                    + " backend is not on the class path; it comes with module " + type.module() + " ("
                    + type.artifactId() + "-" + engineVersion() + ".jar): put that jar on the engine's class path"
                    + (present.isEmpty() ? "" : ", or use " + present));
        }
        return p;
    }

    /** The engine's version, which a backend module shares; from build.properties, filtered by Maven. */
    private static String engineVersion() {
        try (InputStream in = BackendProviders.class.getResourceAsStream("build.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            return v.isEmpty() || v.startsWith("${") ? "<version>" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the engine's build.properties", e);
        }
    }
}
