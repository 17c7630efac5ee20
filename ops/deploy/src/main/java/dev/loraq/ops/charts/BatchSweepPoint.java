package dev.loraq.ops.charts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One measurement of a {@code batch-sweep} bench line: decode throughput at a batch size with a number of distinct
 * adapters in the batch. The line looks like
 * {@code {"scenario":"batch-sweep","points":[{"batch":8,"adapters":1,"tokens_per_s":41.2}, ...]}}.
 */
public record BatchSweepPoint(int batch, int adapters, double tokensPerSecond) {

    public static final String SCENARIO = "batch-sweep";

    /** The points of a batch-sweep line; a missing or malformed point throws, naming the line and index. */
    public static List<BatchSweepPoint> of(BenchRecord record) {
        JsonNode points = record.json().get("points");
        if (points == null || !points.isArray() || points.isEmpty()) {
            throw new IllegalArgumentException(record.where() + ": scenario '" + SCENARIO + "' needs a non-empty array 'points'");
        }
        List<BatchSweepPoint> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            JsonNode point = points.get(i);
            String at = "points[" + i + "].";
            double batch = record.number(point, at + "batch", "batch");
            double adapters = record.number(point, at + "adapters", "adapters");
            double tokens = record.number(point, at + "tokens_per_s", "tokens_per_s");
            if (batch < 1 || adapters < 1 || adapters > batch || tokens < 0 || batch != Math.rint(batch) || adapters != Math.rint(adapters)) {
                throw new IllegalArgumentException(record.where() + ": " + at + " needs whole numbers 1 <= adapters <= batch and tokens_per_s >= 0, found " + point);
            }
            out.add(new BatchSweepPoint((int) batch, (int) adapters, tokens));
        }
        return out;
    }
}
