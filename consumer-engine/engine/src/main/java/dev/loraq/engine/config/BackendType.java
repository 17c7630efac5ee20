package dev.loraq.engine.config;

/** Where the engine computes: the configuration value of {@code backend}. */
public enum BackendType {
    /** Java Vector API kernels on the CPU cores. */
    CPU,
    /** An NVIDIA GPU through CUDA. */
    CUDA
}
