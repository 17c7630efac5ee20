package dev.loraq.engine.sched;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Sequences waiting for admission, one queue per adapter (the base model's key is {@link #BASE}). Within a
 * queue, higher priority first, then arrival order. Scheduler-thread only.
 */
public final class WaitingQueues {

    /** Queue key of requests without an adapter. */
    public static final String BASE = "";

    private static final Comparator<Sequence> ORDER =
            Comparator.comparingInt((Sequence s) -> -s.priority()).thenComparingLong(Sequence::arrival);

    private final Map<String, PriorityQueue<Sequence>> queues = new LinkedHashMap<>();
    private int size;

    public void add(Sequence s) {
        queues.computeIfAbsent(s.adapterKey(), k -> new PriorityQueue<>(ORDER)).add(s);
        size++;
    }

    /** The next sequence of an adapter's queue, or null. */
    public Sequence peek(String adapterKey) {
        PriorityQueue<Sequence> q = queues.get(adapterKey);
        return q == null ? null : q.peek();
    }

    public Sequence poll(String adapterKey) {
        PriorityQueue<Sequence> q = queues.get(adapterKey);
        if (q == null || q.isEmpty()) {
            return null;
        }
        Sequence s = q.poll();
        size--;
        if (q.isEmpty()) {
            queues.remove(adapterKey);
        }
        return s;
    }

    public boolean remove(Sequence s) {
        PriorityQueue<Sequence> q = queues.get(s.adapterKey());
        if (q != null && q.remove(s)) {
            size--;
            if (q.isEmpty()) {
                queues.remove(s.adapterKey());
            }
            return true;
        }
        return false;
    }

    /** Adapter keys with at least one waiting sequence. */
    public Collection<String> adapterKeys() {
        return queues.keySet();
    }

    public int depth(String adapterKey) {
        PriorityQueue<Sequence> q = queues.get(adapterKey);
        return q == null ? 0 : q.size();
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Queue depth per adapter key, a copy for metrics. */
    public Map<String, Integer> depths() {
        Map<String, Integer> out = new LinkedHashMap<>();
        queues.forEach((k, q) -> out.put(k, q.size()));
        return out;
    }
}
