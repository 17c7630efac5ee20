package dev.loraq.ops.onlinebench.load;

import dev.loraq.ops.onlinebench.client.StreamTiming;
import dev.loraq.ops.onlinebench.stats.Percentiles;
import java.util.Arrays;
import java.util.List;

/**
 * Client-side latency of a set of streams, in milliseconds: time to first token per stream, and inter-token latency
 * pooled over every gap of every stream (as vLLM's serving benchmark reports ITL).
 */
public record LatencySummary(int streams, double ttftP50, double ttftP99, double itlP50, double itlP99) {

    public static LatencySummary of(List<StreamTiming> timings) {
        double[] ttft = timings.stream().mapToDouble(t -> t.ttftNanos() / 1e6).toArray();
        double[] itl = timings.stream().flatMapToLong(t -> Arrays.stream(t.gapsNanos()))
                .mapToDouble(g -> g / 1e6).toArray();
        Percentiles first = Percentiles.of(ttft);
        Percentiles gaps = Percentiles.of(itl);
        return new LatencySummary(timings.size(), first.at(50), first.at(99), gaps.at(50), gaps.at(99));
    }
}
