package dev.loraq.engine.observe;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.RequestClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An observer that cannot break the engine: the first exception of the one it wraps is logged and that observer gets
 * no further calls (a metrics bug must not fail the scheduler's requests).
 */
public final class GuardedObserver implements EngineObserver {

    private static final Logger log = LoggerFactory.getLogger(GuardedObserver.class);

    private final EngineObserver delegate;
    private volatile boolean failed;

    private GuardedObserver(EngineObserver delegate) {
        this.delegate = delegate;
    }

    /** {@code observer} guarded; {@link EngineObserver#NONE} for null. */
    public static EngineObserver of(EngineObserver observer) {
        if (observer == null || observer == NONE) {
            return NONE;
        }
        return observer instanceof GuardedObserver ? observer : new GuardedObserver(observer);
    }

    @Override
    public void admitted(String requestId, RequestClass requestClass, String adapterId, AdapterLoadKind tier,
                         long queueNanos) {
        if (!failed) {
            try {
                delegate.admitted(requestId, requestClass, adapterId, tier, queueNanos);
            } catch (RuntimeException e) {
                disable("admitted", e);
            }
        }
    }

    @Override
    public void firstToken(RequestClass requestClass, long sinceSubmitNanos) {
        if (!failed) {
            try {
                delegate.firstToken(requestClass, sinceSubmitNanos);
            } catch (RuntimeException e) {
                disable("firstToken", e);
            }
        }
    }

    @Override
    public void nextToken(RequestClass requestClass, long sincePreviousNanos) {
        if (!failed) {
            try {
                delegate.nextToken(requestClass, sincePreviousNanos);
            } catch (RuntimeException e) {
                disable("nextToken", e);
            }
        }
    }

    @Override
    public void adapterLoaded(String adapterId, AdapterLoadKind tier, long nanos) {
        if (!failed) {
            try {
                delegate.adapterLoaded(adapterId, tier, nanos);
            } catch (RuntimeException e) {
                disable("adapterLoaded", e);
            }
        }
    }

    private void disable(String call, RuntimeException e) {
        failed = true;
        log.warn("engine observer failed call={} observer={}; it gets no further calls, the engine goes on: {}", call,
                delegate.getClass().getName(), e.toString(), e);
    }
}
