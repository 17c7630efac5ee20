package dev.loraq.reliability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Samples an engine's heap in use (its /metrics) and resident memory (/proc) every second, on a thread of its own. */
final class MemorySampler implements AutoCloseable {

    record Sample(long atMillis, long heapUsedBytes, long heapMaxBytes, long rssBytes) {
    }

    private final EngineProcess engine;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    MemorySampler(EngineProcess engine) {
        this.engine = engine;
        this.thread = Thread.ofPlatform().name("memory-sampler").daemon().start(this::run);
    }

    private void run() {
        while (!closed && engine.isAlive()) {
            double used = engine.metric("jvm_memory_used_bytes", "area=\"heap\"");
            double max = engine.metric("jvm_memory_max_bytes", "area=\"heap\"");
            if (!Double.isNaN(used) && used > 0) {
                samples.add(new Sample(System.currentTimeMillis(), (long) used, (long) max, engine.rssBytes()));
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Peak heap and RSS over the run and over its first and last fifths (flat memory: the two fifths alike). */
    void report(Figures figures) {
        List<Sample> all = samples();
        int n = all.size();
        if (n == 0) {
            figures.put("memory_samples", 0);
            return;
        }
        int fifth = Math.max(1, n / 5);
        figures.put("memory_samples", n)
                .put("heap_max_setting_mb", all.get(0).heapMaxBytes() / (1 << 20))
                .put("heap_used_peak_mb", peak(all, Sample::heapUsedBytes) / (1 << 20))
                .put("heap_used_peak_first_fifth_mb", peak(all.subList(0, fifth), Sample::heapUsedBytes) / (1 << 20))
                .put("heap_used_peak_last_fifth_mb", peak(all.subList(n - fifth, n), Sample::heapUsedBytes) / (1 << 20))
                .put("rss_peak_mb", peak(all, Sample::rssBytes) / (1 << 20))
                .put("rss_first_fifth_peak_mb", peak(all.subList(0, fifth), Sample::rssBytes) / (1 << 20))
                .put("rss_last_fifth_peak_mb", peak(all.subList(n - fifth, n), Sample::rssBytes) / (1 << 20));
    }

    private static long peak(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
        return samples.stream().mapToLong(f).max().orElse(0);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5000);
    }
}
