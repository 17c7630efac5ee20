package dev.loraq.ops.charts;

/**
 * The figures of one {@code affinity} bench run: the same requests admitted in arrival order (FIFO) and with
 * adapter affinity.
 *
 * @param label what distinguishes this run from others in the same chart (arrival pattern)
 */
public record AffinityComparison(String label, double fifoWarmHitRate, double affinityWarmHitRate,
                                 double fifoP50WaitMs, double affinityP50WaitMs,
                                 double fifoP99WaitMs, double affinityP99WaitMs) {

    public static final String SCENARIO = "affinity";

    /** Reads {@code fifo.*} and {@code affinity.*} of an affinity line; missing figures throw, naming the line. */
    public static AffinityComparison of(BenchRecord record) {
        return new AffinityComparison(label(record),
                record.number("fifo", "warm_hit_rate"), record.number("affinity", "warm_hit_rate"),
                record.number("fifo", "p50_wait_ms"), record.number("affinity", "p50_wait_ms"),
                record.number("fifo", "p99_wait_ms"), record.number("affinity", "p99_wait_ms"));
    }

    private static String label(BenchRecord record) {
        String arrival = record.json().path("arrival").asText("");
        String base = switch (arrival) {
            case "burst" -> "bulk job";
            case "rate" -> record.json().path("arrival_rate_rps").asDouble() + " req/s";
            default -> "run";
        };
        String preset = record.json().path("preset").asText("");
        return preset.isEmpty() ? base : base + " (" + preset + ")";
    }
}
