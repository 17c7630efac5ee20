package dev.loraq.engine.observe;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.RequestClass;

/**
 * What the engine reports as it works, for a caller's metrics (the service feeds Micrometer from it; the engine itself
 * knows no metrics library). Set one with {@code Engine.observe}; the default is {@link #NONE}.
 *
 * <p>Called on the scheduler thread, {@link #nextToken} once per generated token: an implementation must return at
 * once, never block and allocate nothing per call (record into preallocated meters). An exception is logged once and
 * the observer gets no further calls; the engine goes on. Durations are nanoseconds.
 */
public interface EngineObserver {

    /** Observes nothing. */
    EngineObserver NONE = new EngineObserver() { };

    /**
     * A request joined the running batch.
     *
     * @param adapterId its adapter, or null for the base model
     * @param tier where its adapter was found (a cache hit by tier; {@link AdapterLoadKind#NONE} for the base model)
     * @param queueNanos submission to admission
     */
    default void admitted(String requestId, RequestClass requestClass, String adapterId, AdapterLoadKind tier,
                          long queueNanos) {
    }

    /** A request's first generated token: {@code sinceSubmitNanos} from submission (time to first token). */
    default void firstToken(RequestClass requestClass, long sinceSubmitNanos) {
    }

    /** A later token: {@code sincePreviousNanos} after the request's previous one (inter-token latency). */
    default void nextToken(RequestClass requestClass, long sincePreviousNanos) {
    }

    /**
     * An adapter was brought one tier closer to compute: {@link AdapterLoadKind#DISK} read from the adapter source into
     * host memory, {@link AdapterLoadKind#HOST} copied from host memory into a compute slot.
     */
    default void adapterLoaded(String adapterId, AdapterLoadKind tier, long nanos) {
    }
}
