package dev.loraq.engine.lora;

import java.util.List;

/**
 * Where adapters come from, by id. {@link LocalFolderAdapterSource} reads a local folder; object stores or hub
 * resolvers implement the same contract (typically by downloading into a local folder and returning it).
 * Implementations must be thread-safe.
 */
public interface AdapterSource {

    /**
     * Finds an adapter and reads its configuration.
     *
     * @throws dev.loraq.engine.api.InvalidRequestException with code UNKNOWN_ADAPTER when there is no such
     *         adapter, UNSUPPORTED_ADAPTER_FORMAT when it has no safetensors weights, ADAPTER_LOAD_FAILED when its
     *         files are invalid; the message names the id and file
     */
    AdapterFiles locate(AdapterId id);

    /** Whether an adapter with this id is present (cheap; does not validate its files). */
    boolean exists(AdapterId id);

    /** The adapters this source holds now, for listings ({@code GET /v1/models}); none when it cannot enumerate. */
    default List<AdapterId> list() {
        return List.of();
    }
}
