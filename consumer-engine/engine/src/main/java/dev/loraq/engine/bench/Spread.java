package dev.loraq.engine.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The spread of a set of measurements as the JSON lines print it: min, median and max, rounded. */
final class Spread {

    private Spread() {
    }

    static Map<String, Object> of(double[] values, int digits) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", DecodeLoop.round(sorted[0], digits));
        m.put("median", DecodeLoop.round(DecodeLoop.median(sorted), digits));
        m.put("max", DecodeLoop.round(sorted[sorted.length - 1], digits));
        return m;
    }
}
