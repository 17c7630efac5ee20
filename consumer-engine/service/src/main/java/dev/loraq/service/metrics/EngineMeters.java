package dev.loraq.service.metrics;

import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.generation.RequestClass;
import dev.loraq.engine.observe.EngineObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The engine's own events as Micrometer meters: queue time, time to first token and inter-token latency by request
 * class (Prometheus histograms with SLO buckets), adapter cache hits by class and tier, adapter load time by tier.
 * Every meter is registered up front and looked up by enum ordinal, so an event on the scheduler thread (one per
 * generated token) only records into a meter: no lookup, no allocation.
 */
final class EngineMeters implements EngineObserver {

    static final String CLASS_TAG = "class";
    private static final Duration[] QUEUE_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, 60_000, 120_000, 300_000);
    private static final Duration[] TTFT_BUCKETS = millis(10, 25, 50, 100, 200, 300, 500, 750, 1_000, 2_000, 3_000,
            5_000, 10_000, 20_000, 60_000);
    private static final Duration[] ITL_BUCKETS = millis(1, 2.5, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1_000,
            2_500);
    private static final Duration[] LOAD_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000);

    private final Timer[] queueTime = new Timer[RequestClass.values().length];
    private final Timer[] timeToFirstToken = new Timer[RequestClass.values().length];
    private final Timer[] interTokenLatency = new Timer[RequestClass.values().length];
    private final Counter[][] hits = new Counter[RequestClass.values().length][AdapterLoadKind.values().length];
    /** By tier; only HOST (installed into a slot) and DISK (read from the source) happen. */
    private final Timer[] loadTime = new Timer[AdapterLoadKind.values().length];

    EngineMeters(MeterRegistry registry) {
        for (RequestClass c : RequestClass.values()) {
            String cls = lower(c);
            queueTime[c.ordinal()] = Timer.builder("loraq.request.queue.time")
                    .description("Submission to admission into the running batch, by request class")
                    .tag(CLASS_TAG, cls).serviceLevelObjectives(QUEUE_BUCKETS).register(registry);
            timeToFirstToken[c.ordinal()] = Timer.builder("loraq.request.time.to.first.token")
                    .description("Submission to the first generated token, by request class (interactive: the online API)")
                    .tag(CLASS_TAG, cls).serviceLevelObjectives(TTFT_BUCKETS).register(registry);
            interTokenLatency[c.ordinal()] = Timer.builder("loraq.request.inter.token.latency")
                    .description("Time between a request's consecutive generated tokens, by request class")
                    .tag(CLASS_TAG, cls).serviceLevelObjectives(ITL_BUCKETS).register(registry);
            for (AdapterLoadKind tier : AdapterLoadKind.values()) {
                hits[c.ordinal()][tier.ordinal()] = Counter.builder("loraq.engine.adapter.hits")
                        .description("Requests admitted, by request class and the tier their adapter was found in "
                                + "(none: base model)")
                        .tags(CLASS_TAG, cls, "tier", lower(tier)).register(registry);
            }
        }
        for (AdapterLoadKind tier : new AdapterLoadKind[] {AdapterLoadKind.HOST, AdapterLoadKind.DISK}) {
            loadTime[tier.ordinal()] = Timer.builder("loraq.engine.adapter.load.time")
                    .description("Time to bring an adapter one tier closer: disk (read from the source into host memory) "
                            + "or host (copied from host memory into a compute slot)")
                    .tag("tier", lower(tier)).serviceLevelObjectives(LOAD_BUCKETS).register(registry);
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static Duration[] millis(double... values) {
        return Arrays.stream(values).mapToObj(ms -> Duration.ofNanos(Math.round(ms * 1_000_000))).toArray(Duration[]::new);
    }

    @Override
    public void admitted(String requestId, RequestClass requestClass, String adapterId, AdapterLoadKind tier,
                         long queueNanos) {
        queueTime[requestClass.ordinal()].record(queueNanos, TimeUnit.NANOSECONDS);
        hits[requestClass.ordinal()][tier.ordinal()].increment();
    }

    @Override
    public void firstToken(RequestClass requestClass, long sinceSubmitNanos) {
        timeToFirstToken[requestClass.ordinal()].record(sinceSubmitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void nextToken(RequestClass requestClass, long sincePreviousNanos) {
        interTokenLatency[requestClass.ordinal()].record(sincePreviousNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void adapterLoaded(String adapterId, AdapterLoadKind tier, long nanos) {
        Timer timer = loadTime[tier.ordinal()];
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
