package dev.loraq.engine.sched;

import dev.loraq.engine.cache.AdapterCache;

import java.util.List;
import java.util.Set;

/**
 * Decides which waiting sequence joins the running batch next. The scheduler asks repeatedly until the policy
 * returns null or the batch is full; adapters that could not be admitted this round are in {@code excluded}.
 */
public interface SchedulingPolicy {

    /** The adapter key whose queue head should be admitted next, or null when nothing should be. */
    String nextAdapter(WaitingQueues waiting, AdapterCache cache, Set<String> excluded, long nowNanos);

    /** Adapters worth reading into host memory ahead of need, best first. */
    List<String> prefetch(WaitingQueues waiting, AdapterCache cache, int limit);

    /** The policy's name, as configured ({@code fifo}, {@code affinity}). */
    String name();
}
