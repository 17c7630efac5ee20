package dev.loraq.engine.sched;

import dev.loraq.engine.cache.AdapterCache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Adapter affinity: prefer adapters already in a compute slot, then those in host memory, then those that must
 * come from disk, so that batches reuse warm adapters and each adapter is loaded as few times as possible. Within
 * a tier, higher priority then older first.
 *
 * <p>Aging bounds the wait: a sequence that has waited longer than {@code maxWaitNanos} is overdue and goes before
 * every sequence that is not, oldest first; among overdue sequences those whose adapter is warm go first, since
 * they cost no load (this keeps a large backlog, where everything is overdue, from collapsing into arrival order
 * and reloading adapters over and over).
 */
public final class AdapterAffinityPolicy implements SchedulingPolicy {

    private final long maxWaitNanos;

    public AdapterAffinityPolicy(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    @Override
    public String nextAdapter(WaitingQueues waiting, AdapterCache cache, Set<String> excluded, long nowNanos) {
        String best = null;
        int bestTier = Integer.MAX_VALUE;
        int bestPriority = Integer.MIN_VALUE;
        long bestArrival = Long.MAX_VALUE;
        for (String key : waiting.adapterKeys()) {
            if (excluded.contains(key)) {
                continue;
            }
            Sequence head = waiting.peek(key);
            int residency = tierOf(key, cache);
            boolean overdue = nowNanos - head.submittedNanos() > maxWaitNanos;
            // Tiers: 0 overdue+warm, 1 overdue, 2 warm, 3 host, 4 loading, 5 absent.
            int tier = overdue ? (residency == 0 ? 0 : 1) : 2 + residency;
            // Overdue sequences compete by age alone; the others by tier, priority, then age.
            int priority = overdue ? 0 : head.priority();
            if (tier < bestTier
                    || (tier == bestTier && priority > bestPriority)
                    || (tier == bestTier && priority == bestPriority && head.arrival() < bestArrival)) {
                best = key;
                bestTier = tier;
                bestPriority = priority;
                bestArrival = head.arrival();
            }
        }
        return best;
    }

    private static int tierOf(String key, AdapterCache cache) {
        if (key.equals(WaitingQueues.BASE)) {
            return 0;
        }
        return switch (cache.residency(key)) {
            case SLOT -> 0;
            case HOST -> 1;
            case LOADING -> 2;
            case ABSENT -> 3;
        };
    }

    @Override
    public List<String> prefetch(WaitingQueues waiting, AdapterCache cache, int limit) {
        List<String> candidates = new ArrayList<>();
        for (String key : waiting.adapterKeys()) {
            if (!key.equals(WaitingQueues.BASE) && cache.residency(key) == AdapterCache.Residency.ABSENT) {
                candidates.add(key);
            }
        }
        // Most waited-for first: deeper queues, then older heads.
        candidates.sort(Comparator.comparingInt((String k) -> -waiting.depth(k))
                .thenComparingLong(k -> waiting.peek(k).arrival()));
        return candidates.size() > limit ? candidates.subList(0, limit) : candidates;
    }

    @Override
    public String name() {
        return "affinity";
    }
}
