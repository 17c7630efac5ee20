package dev.loraq.ops.onlinebench.load;

import dev.loraq.ops.onlinebench.client.StreamFailure;
import dev.loraq.ops.onlinebench.client.StreamTiming;
import dev.loraq.ops.onlinebench.client.StreamingClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming clients against one server, each request on its own virtual thread so that a slow stream never delays
 * the next arrival: either an open loop of Poisson arrivals (exponential gaps at a rate, as vLLM's and SGLang's
 * serving benchmarks send) or a closed set of clients that all start at once. Request i asks for adapter
 * {@code i % adapters.size()}, so consecutive requests use distinct adapters.
 */
public final class StreamLoad {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLoad.class);

    private final StreamingClient client;
    private final List<String> adapters;
    private final int maxTokens;

    public StreamLoad(StreamingClient client, List<String> adapters, int maxTokens) {
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("the load needs at least one adapter (or the base model's name)");
        }
        this.client = client;
        this.adapters = List.copyOf(adapters);
        this.maxTokens = maxTokens;
    }

    /** The arrival times of {@code requests} Poisson arrivals at {@code ratePerSecond}, in nanoseconds from 0. */
    public static long[] poissonArrivals(int requests, double ratePerSecond, long seed) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("the arrival rate must be above 0 requests/s, got " + ratePerSecond);
        }
        Random random = new Random(seed);
        long[] at = new long[requests];
        double t = 0;
        for (int i = 0; i < requests; i++) {
            at[i] = Math.round(t * 1e9);
            t += -Math.log(1 - random.nextDouble()) / ratePerSecond;
        }
        return at;
    }

    /** Sends request i at {@code arrivalsNanos[i]} after the start and waits for every stream. */
    public LoadResult open(long[] arrivalsNanos, String label) {
        return run(arrivalsNanos, label);
    }

    /** {@code clients} streams sent at once; waits for all of them. */
    public LoadResult closed(int clients, String label) {
        return run(new long[clients], label);
    }

    private LoadResult run(long[] arrivalsNanos, String label) {
        long start = System.nanoTime();
        List<Future<StreamTiming>> futures = new ArrayList<>(arrivalsNanos.length);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < arrivalsNanos.length; i++) {
                long due = start + arrivalsNanos[i];
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                String adapter = adapters.get(i % adapters.size());
                // The label leads, so a warm-up's prompts share no prefix with the timed ones (llama-server reuses a
                // slot's cached prompt prefix; loraq has no prefix cache).
                String prompt = label + ": online benchmark request " + i + " for " + adapter;
                futures.add(threads.submit(() -> client.stream(adapter, prompt, maxTokens)));
            }
        }
        List<StreamTiming> streams = new ArrayList<>(futures.size());
        int failures = 0;
        String firstFailure = null;
        for (Future<StreamTiming> f : futures) {
            try {
                streams.add(f.get(0, TimeUnit.SECONDS));
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (!(cause instanceof StreamFailure)) {
                    throw new IllegalStateException("a stream of " + label + " failed unexpectedly: " + cause, cause);
                }
                failures++;
                firstFailure = firstFailure == null ? cause.getMessage() : firstFailure;
            }
        }
        long end = streams.stream().mapToLong(StreamTiming::endNanos).max().orElse(System.nanoTime());
        LOG.info("load done label={} streams={} failures={} seconds={}", label, streams.size(), failures,
                String.format("%.2f", (end - start) / 1e9));
        if (firstFailure != null) {
            LOG.warn("load label={} first failure: {}", label, firstFailure);
        }
        return new LoadResult(streams, failures, firstFailure, start, end);
    }
}
