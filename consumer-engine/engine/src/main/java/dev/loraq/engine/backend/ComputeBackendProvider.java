package dev.loraq.engine.backend;

import dev.loraq.engine.config.BackendType;
import dev.loraq.engine.model.LlamaModel;

/**
 * Opens the compute backend of one {@link BackendType}. A backend module registers its provider for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.loraq.engine.backend.ComputeBackendProvider};
 * the engine picks the one whose type the {@code backend} key names ({@link BackendProviders}).
 */
public interface ComputeBackendProvider {
    BackendType type();

    /**
     * Opens a backend over a model: it prepares the stored weights in its own layout (or uploads them to its device),
     * allocates KV storage for {@code options.kvBlocks()} blocks and its adapter slots. The model must stay open until
     * the backend is closed.
     *
     * @throws IllegalArgumentException when the options ask for something this backend cannot do
     */
    ComputeBackend open(LlamaModel model, BackendOptions options);
}
