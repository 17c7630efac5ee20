package dev.loraq.engine.sched;

import dev.loraq.engine.cache.AdapterCache;

import java.util.List;
import java.util.Set;

/**
 * Arrival order, the baseline: the oldest waiting sequence whose adapter can be admitted goes first (as vLLM
 * does, a request whose adapter cannot get a slot is skipped, not waited for). Priority is ignored.
 */
public final class FifoPolicy implements SchedulingPolicy {

    @Override
    public String nextAdapter(WaitingQueues waiting, AdapterCache cache, Set<String> excluded, long nowNanos) {
        String best = null;
        long bestArrival = Long.MAX_VALUE;
        for (String key : waiting.adapterKeys()) {
            if (excluded.contains(key)) {
                continue;
            }
            long arrival = waiting.peek(key).arrival();
            if (arrival < bestArrival) {
                bestArrival = arrival;
                best = key;
            }
        }
        return best;
    }

    @Override
    public List<String> prefetch(WaitingQueues waiting, AdapterCache cache, int limit) {
        return List.of();
    }

    @Override
    public String name() {
        return "fifo";
    }
}
