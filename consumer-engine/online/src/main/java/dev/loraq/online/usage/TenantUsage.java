package dev.loraq.online.usage;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Online usage per tenant: requests answered, requests refused, prompt and completion tokens, as the Kafka work is
 * counted per tenant. Thread-safe; {@link #snapshot()} is what a metrics binder reads (tenants come from the keys
 * file, so the label set stays bounded).
 */
public final class TenantUsage {

    /** One tenant's totals. */
    public record Totals(long requests, long refused, long promptTokens, long completionTokens) { }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder completionTokens = new LongAdder();
    }

    private final Map<String, Counters> byTenant = new ConcurrentHashMap<>();

    /** A request answered with a completion. */
    public void completed(String tenant, long promptTokens, long completionTokens) {
        Counters c = counters(tenant);
        c.requests.increment();
        c.promptTokens.add(promptTokens);
        c.completionTokens.add(completionTokens);
    }

    /** A request answered with an error. */
    public void refused(String tenant) {
        counters(tenant).refused.increment();
    }

    /** Every tenant's totals now, by tenant id. */
    public Map<String, Totals> snapshot() {
        Map<String, Totals> out = new TreeMap<>();
        byTenant.forEach((t, c) -> out.put(t, new Totals(c.requests.sum(), c.refused.sum(), c.promptTokens.sum(),
                c.completionTokens.sum())));
        return out;
    }

    /** The tenants seen so far. */
    public Set<String> tenants() {
        return Set.copyOf(byTenant.keySet());
    }

    /** One tenant's totals now (zeros for a tenant not seen). */
    public Totals totals(String tenant) {
        Counters c = byTenant.get(tenant);
        return c == null ? new Totals(0, 0, 0, 0)
                : new Totals(c.requests.sum(), c.refused.sum(), c.promptTokens.sum(), c.completionTokens.sum());
    }

    private Counters counters(String tenant) {
        return byTenant.computeIfAbsent(tenant, t -> new Counters());
    }
}
