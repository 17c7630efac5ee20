package dev.loraq.engine.config;

import java.util.Locale;

/**
 * Where the engine computes: the configuration value of {@code backend}. Each backend comes with a module of its
 * own that registers a {@code dev.loraq.engine.backend.ComputeBackendProvider}; the module is named here so that a
 * missing one can be reported by name.
 */
public enum BackendType {
    /** Java Vector API kernels on the CPU cores. */
    CPU("consumer-engine/engine", "loraq-engine-core"),
    /** An NVIDIA GPU through CUDA. */
    CUDA("consumer-engine/engine-cuda", "loraq-engine-cuda");

    private final String module;
    private final String artifactId;

    BackendType(String module, String artifactId) {
        this.module = module;
        this.artifactId = artifactId;
    }

    /** The value of the {@code backend} key ("cpu"). */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The source module that provides this backend ("consumer-engine/engine-cuda"). */
    public String module() {
        return module;
    }

    /** The Maven artifact (and jar name without version) that provides this backend ("loraq-engine-cuda"). */
    public String artifactId() {
        return artifactId;
    }
}
