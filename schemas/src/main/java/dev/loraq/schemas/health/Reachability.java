package dev.loraq.schemas.health;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Whether a remote service (the schema registry, the Kafka cluster) answers, logged once per change: one line when it
 * stops answering and one when it is back, however many calls fail in between. Thread-safe.
 */
public final class Reachability {

    private static final long REACHABLE = Long.MIN_VALUE;

    private final String what;
    private final String where;
    private final Logger log;
    private final AtomicLong unreachableSinceNanos = new AtomicLong(REACHABLE);

    /**
     * @param what  the service, e.g. "schema registry"
     * @param where its address, e.g. the URL list
     */
    public Reachability(String what, String where, Logger log) {
        this.what = what;
        this.where = where;
        this.log = log;
    }

    /** A call got an answer. */
    public void reachable() {
        long since = unreachableSinceNanos.getAndSet(REACHABLE);
        if (since != REACHABLE) {
            log.info("{} reachable again at {} after {} ms", what, where, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
        }
    }

    /** A call got no answer (after its own retries). */
    public void unreachable(String cause) {
        if (unreachableSinceNanos.compareAndSet(REACHABLE, System.nanoTime())) {
            log.warn("{} unreachable at {}: {}", what, where, cause);
        }
    }

    public boolean isReachable() {
        return unreachableSinceNanos.get() == REACHABLE;
    }

    /** How long it has been unreachable; 0 while reachable. */
    public long unreachableForMs() {
        long since = unreachableSinceNanos.get();
        return since == REACHABLE ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
