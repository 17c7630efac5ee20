package dev.loraq.engine.backend.cpu;

import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.config.BackendType;
import dev.loraq.engine.model.LlamaModel;

/** Registers {@link CpuBackend} as {@code backend=cpu} (see META-INF/services). */
public final class CpuBackendProvider implements ComputeBackendProvider {
    @Override
    public BackendType type() {
        return BackendType.CPU;
    }

    @Override
    public ComputeBackend open(LlamaModel model, BackendOptions options) {
        return new CpuBackend(model, options);
    }
}
