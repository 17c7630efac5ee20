package dev.loraq.engine.sched;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on requests waiting for admission (max.waiting.requests), exact whatever thread submits: a request takes
 * a place when it is submitted (refused when none is left) and gives it back once, when it leaves waiting: admitted
 * into the running batch, failed, or cancelled. A cancel gives the place back at once, on the cancelling thread, so a
 * caller that counts its own outstanding requests never sees the engine hold more places than it does.
 */
final class WaitingLimit {

    private final int bound;
    private final AtomicInteger taken = new AtomicInteger();
    private final Set<Sequence> holders = ConcurrentHashMap.newKeySet();
    /** The latest place holder per request id, for cancels (which name a request by its id). */
    private final ConcurrentMap<String, Sequence> holderById = new ConcurrentHashMap<>();

    WaitingLimit(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("waiting bound must be at least 1, got " + bound);
        }
        this.bound = bound;
    }

    /** Takes a place for {@code s}; false when all are taken. */
    boolean tryTake(Sequence s) {
        int n;
        do {
            n = taken.get();
            if (n >= bound) {
                return false;
            }
        } while (!taken.compareAndSet(n, n + 1));
        holders.add(s);
        holderById.put(s.requestId(), s);
        return true;
    }

    /** Gives back the place of {@code s}, if it still holds one. */
    void giveBack(Sequence s) {
        if (holders.remove(s)) {
            holderById.remove(s.requestId(), s);
            taken.decrementAndGet();
        }
    }

    /** Gives back the place of the latest submitted request with this id that still holds one. */
    void giveBack(String requestId) {
        Sequence s = holderById.get(requestId);
        if (s != null) {
            giveBack(s);
        }
    }

    /** Places taken now. */
    int taken() {
        return taken.get();
    }

    int bound() {
        return bound;
    }
}
