package dev.loraq.service.metrics;

import dev.loraq.online.usage.TenantUsage;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.EngineSnapshot;
import dev.loraq.service.inference.InferenceEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The service's meters, in a Prometheus registry: records in and out, completions by status, dead letters by code,
 * adapter loads by tier and their time, the engine's batch figures, tokens/s, running and waiting requests per adapter
 * (the most active metrics.adapter.labels.max adapters by name, the rest as "other") and per request class, consumer
 * lag, and the engine's own events through {@link #engineObserver()} (queue time, time to first token, inter-token
 * latency, cache hits by tier, adapter load time).
 */
public final class ServiceMetrics {

    private final Set<String> onlineTenants = ConcurrentHashMap.newKeySet();
    private volatile TenantUsage onlineUsage;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter recordsIn;
    private final Counter recordsSkipped;
    private final Counter recordsOut;
    private final Counter resultsDropped;
    private final Counter transactionsCommitted;
    private final Counter transactionsAborted;
    private final Counter registryRetries;
    private final Counter resultsDiscarded;
    private static final List<String> PAUSE_REASONS = List.of("backpressure", "offset_metadata", "registry_retry", "shutdown");
    private final Map<String, AtomicInteger> pausedByReason = new ConcurrentHashMap<>();
    private final DistributionSummary transactionRecords;
    private final Timer adapterLoadTime;
    private final DoubleAdder completionTokens = new DoubleAdder();
    private final AtomicReference<EngineSnapshot> snapshot = new AtomicReference<>(EngineSnapshot.empty());
    private final MultiGauge queueDepth;
    private final MultiGauge adapterRunning;
    private final AdapterLabels adapterLabels;
    private final EngineMeters engineMeters;
    private final MultiGauge consumerLag;
    private final Gauge inFlight;
    private volatile int inFlightCount;
    private volatile double tokensPerSecond;
    private long lastTokensNanos = System.nanoTime();
    private double lastTokens;

    /** With the default bound on adapter labels. */
    public ServiceMetrics() {
        this(ServiceConfig.METRICS_ADAPTER_LABELS_MAX_DEFAULT);
    }

    /** @param adapterLabelsMax most adapters named in per-adapter gauges (metrics.adapter.labels.max) */
    public ServiceMetrics(int adapterLabelsMax) {
        adapterLabels = new AdapterLabels(adapterLabelsMax);
        engineMeters = new EngineMeters(registry);
        recordsIn = Counter.builder("loraq.records.in").description("Input records read (not counting already-completed ones skipped)").register(registry);
        recordsSkipped = Counter.builder("loraq.records.skipped").description("Input records skipped because an earlier owner completed them").register(registry);
        recordsOut = Counter.builder("loraq.records.out").description("Records committed to output topics (completions and dead letters)").register(registry);
        resultsDropped = Counter.builder("loraq.results.dropped").description("Engine results dropped because their partition was revoked or the work was rewound").register(registry);
        transactionsCommitted = Counter.builder("loraq.transactions").tag("outcome", "committed").register(registry);
        transactionsAborted = Counter.builder("loraq.transactions").tag("outcome", "aborted").register(registry);
        resultsDiscarded = Counter.builder("loraq.results.discarded").description("Finished results thrown away before their commit "
                + "(fenced producer, revoked or lost partition): work to be redone").register(registry);
        // Heap figures: the backlog and fuzz runs sample them to show memory stays bounded.
        new JvmMemoryMetrics().bindTo(registry);
        registryRetries = Counter.builder("loraq.registry.retries").description("Records read again later because the schema registry could not be reached").register(registry);
        transactionRecords = DistributionSummary.builder("loraq.transaction.records").description("Output records per transaction").register(registry);
        adapterLoadTime = Timer.builder("loraq.adapter.load.time").description("Time to make an adapter ready for a request").register(registry);
        FunctionCounter.builder("loraq.completion.tokens", completionTokens, DoubleAdder::sum).description("Tokens generated for completed requests").register(registry);
        Gauge.builder("loraq.tokens.per.second", this, m -> m.tokensPerSecond).description("Generated tokens per second over the last commit interval").register(registry);
        Gauge.builder("loraq.engine.running", snapshot, s -> s.get().running()).description("Sequences in the engine's running batch").register(registry);
        Gauge.builder("loraq.engine.waiting", snapshot, s -> s.get().waiting()).description("Sequences waiting in the engine").register(registry);
        Gauge.builder("loraq.engine.batch.size.mean", snapshot, s -> s.get().meanBatchSize()).description("Mean sequences per engine step").register(registry);
        Gauge.builder("loraq.engine.batch.adapters.mean", snapshot, s -> s.get().meanAdaptersPerBatch()).description("Mean distinct adapters per engine step").register(registry);
        FunctionCounter.builder("loraq.engine.generated.tokens", snapshot, s -> s.get().generatedTokens()).description("Tokens generated by the engine").register(registry);
        FunctionCounter.builder("loraq.engine.batches", snapshot, s -> s.get().batches()).description("Engine steps run").register(registry);
        inFlight = Gauge.builder("loraq.records.in.flight", this, m -> m.inFlightCount).description("Records submitted and not yet committed").register(registry);
        Gauge.builder("loraq.engine.requests.running", snapshot, s -> s.get().runningInteractive()).description("Sequences in the running batch, by request class")
                .tag(EngineMeters.CLASS_TAG, "interactive").register(registry);
        Gauge.builder("loraq.engine.requests.running", snapshot, s -> s.get().running() - s.get().runningInteractive()).description("Sequences in the running batch, by request class")
                .tag(EngineMeters.CLASS_TAG, "batch").register(registry);
        Gauge.builder("loraq.engine.requests.waiting", snapshot, s -> s.get().waitingInteractive()).description("Requests waiting for admission, by request class")
                .tag(EngineMeters.CLASS_TAG, "interactive").register(registry);
        Gauge.builder("loraq.engine.requests.waiting", snapshot, s -> s.get().waiting() - s.get().waitingInteractive()).description("Requests waiting for admission, by request class")
                .tag(EngineMeters.CLASS_TAG, "batch").register(registry);
        queueDepth = MultiGauge.builder("loraq.engine.queue.depth").description("Requests waiting per adapter (the most active by name, the rest as other)").register(registry);
        adapterRunning = MultiGauge.builder("loraq.engine.adapter.running").description("Sequences running per adapter (the most active by name, the rest as other)").register(registry);
        consumerLag = MultiGauge.builder("loraq.consumer.lag").description("Records between the consumer's position and the end of each owned partition").register(registry);
    }

    /** What the engine reports to ({@code InferenceEngine.observe}): the engine's meters in this registry. */
    public EngineObserver engineObserver() {
        return engineMeters;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void recordIn() {
        recordsIn.increment();
    }

    public void recordSkipped() {
        recordsSkipped.increment();
    }

    public void resultDropped() {
        resultsDropped.increment();
    }

    public void completion(String status, String code) {
        Counter.builder("loraq.completions").description("Completions written, by status and error code")
                .tags("status", status, "code", code == null ? "" : code).register(registry).increment();
    }

    public void deadLetter(String code) {
        Counter.builder("loraq.dead.letters").description("Dead letters written, by code").tag("code", code).register(registry).increment();
    }

    public void adapterUse(AdapterLoadKind tier, long loadMs) {
        Counter.builder("loraq.adapter.hits").description("Requests by where their adapter was found").tag("tier", tier.name().toLowerCase())
                .register(registry).increment();
        if (tier == AdapterLoadKind.HOST || tier == AdapterLoadKind.DISK) {
            adapterLoadTime.record(Duration.ofMillis(loadMs));
        }
    }

    public void tokens(int completionTokenCount) {
        completionTokens.add(completionTokenCount);
    }

    public void committed(int outputRecords) {
        transactionsCommitted.increment();
        recordsOut.increment(outputRecords);
        transactionRecords.record(outputRecords);
    }

    public void aborted() {
        transactionsAborted.increment();
    }

    /** A partition was paused; reason: backpressure, offset_metadata (metadata near its limit) or registry_retry. */
    public void partitionPaused(String reason) {
        Counter.builder("loraq.partition.pauses").description("Times a partition was paused, by reason").tag("reason", reason)
                .register(registry).increment();
    }

    /** How many owned partitions are paused now for each reason (reasons absent from the map count 0). */
    public void pausedNow(Map<String, Integer> countByReason) {
        for (String reason : PAUSE_REASONS) {
            pausedByReason.computeIfAbsent(reason, r -> {
                AtomicInteger value = new AtomicInteger();
                Gauge.builder("loraq.partitions.paused", value, AtomicInteger::get).description("Owned partitions paused now, by reason")
                        .tag("reason", r).register(registry);
                return value;
            }).set(countByReason.getOrDefault(reason, 0));
        }
    }

    /** Partitions paused now for this reason. */
    public int pausedNow(String reason) {
        AtomicInteger value = pausedByReason.get(reason);
        return value == null ? 0 : value.get();
    }

    /** A record was put back because the schema registry could not be reached. */
    /** Finished results thrown away uncommitted (rewind after fencing, revocation, lost partitions): redone by the next owner. */
    public void resultsDiscarded(int count) {
        if (count > 0) {
            resultsDiscarded.increment(count);
        }
    }

    public void registryRetry() {
        registryRetries.increment();
    }

    /** In-flight requests cancelled in the engine and left uncommitted; reason: revocation, lost, rewind or shutdown. */
    public void cancelled(String reason, int count) {
        if (count > 0) {
            Counter.builder("loraq.requests.cancelled").description("In-flight requests cancelled and left to be redone, by reason")
                    .tag("reason", reason).register(registry).increment(count);
        }
    }

    /** Current value of a counter (0 when it was never incremented), for tests and the bench. */
    public double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Refreshes the sampled figures; called by the consumer thread at each commit. */
    public void sample(InferenceEngine engine, int inFlightNow, Map<String, Long> lagByPartition) {
        EngineSnapshot now = engine.snapshot();
        snapshot.set(now);
        inFlightCount = inFlightNow;
        Set<String> named = adapterLabels.named(now.runningByAdapter(), now.queueDepthByAdapter());
        queueDepth.register(adapterRows(AdapterLabels.relabel(now.queueDepthByAdapter(), named)), true);
        adapterRunning.register(adapterRows(AdapterLabels.relabel(now.runningByAdapter(), named)), true);
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        lagByPartition.forEach((partition, lag) -> lagRows.add(MultiGauge.Row.of(Tags.of("partition", partition), lag)));
        consumerLag.register(lagRows, true);
        long nanos = System.nanoTime();
        double tokens = completionTokens.sum();
        double seconds = (nanos - lastTokensNanos) / 1e9;
        if (seconds > 0) {
            tokensPerSecond = (tokens - lastTokens) / seconds;
        }
        lastTokens = tokens;
        lastTokensNanos = nanos;
    }

    private static List<MultiGauge.Row<?>> adapterRows(Map<String, Integer> byLabel) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byLabel.forEach((adapter, n) -> rows.add(MultiGauge.Row.of(Tags.of("adapter", adapter), n)));
        return rows;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        registerOnlineTenants();
        return registry.scrape();
    }

    /**
     * Counts the online API's requests and tokens per tenant, next to the Kafka work: {@code loraq_online_requests_total
     * {tenant,outcome}} and {@code loraq_online_tokens_total{tenant,kind}}. Tenants come from the keys file, so the label
     * set stays bounded; each is registered when first seen.
     */
    public void onlineUsage(TenantUsage usage) {
        this.onlineUsage = usage;
    }

    private void registerOnlineTenants() {
        TenantUsage usage = onlineUsage;
        if (usage == null) {
            return;
        }
        for (String tenant : usage.tenants()) {
            if (!onlineTenants.add(tenant)) {
                continue;
            }
            FunctionCounter.builder("loraq.online.requests", usage, u -> u.totals(tenant).requests())
                    .description("Online API requests per tenant, by outcome").tags("tenant", tenant, "outcome", "completed")
                    .register(registry);
            FunctionCounter.builder("loraq.online.requests", usage, u -> u.totals(tenant).refused())
                    .description("Online API requests per tenant, by outcome").tags("tenant", tenant, "outcome", "refused")
                    .register(registry);
            FunctionCounter.builder("loraq.online.tokens", usage, u -> u.totals(tenant).promptTokens())
                    .description("Online API tokens per tenant, by kind").tags("tenant", tenant, "kind", "prompt")
                    .register(registry);
            FunctionCounter.builder("loraq.online.tokens", usage, u -> u.totals(tenant).completionTokens())
                    .description("Online API tokens per tenant, by kind").tags("tenant", tenant, "kind", "completion")
                    .register(registry);
        }
    }

}
