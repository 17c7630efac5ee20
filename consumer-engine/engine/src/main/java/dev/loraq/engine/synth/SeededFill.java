package dev.loraq.engine.synth;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Numbers;

/**
 * Fast seeded pseudo-random tensor contents (SplitMix64, two values per draw): uniform in
 * [center - amplitude, center + amplitude]. The same seed gives the same bytes on any machine.
 */
final class SeededFill {
    private SeededFill() {
    }

    static long seedFor(long seed, String tensorName) {
        return mix(seed ^ ((long) tensorName.hashCode() << 32) ^ tensorName.length() * 0x9E3779B97F4A7C15L);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fills {@code count} elements of {@code dtype}. */
    static void fill(MemorySegment seg, DType dtype, long count, long seed, float center, float amplitude) {
        long state = seed;
        for (long i = 0; i < count; i += 2) {
            state += 0x9E3779B97F4A7C15L;
            long z = mix(state);
            float u0 = center + amplitude * (((z >>> 40) * 0x1.0p-24f) * 2f - 1f);
            put(seg, dtype, i, u0);
            if (i + 1 < count) {
                float u1 = center + amplitude * ((((z >>> 8) & 0xFFFFFF) * 0x1.0p-24f) * 2f - 1f);
                put(seg, dtype, i + 1, u1);
            }
        }
    }

    private static void put(MemorySegment seg, DType dtype, long i, float v) {
        switch (dtype) {
            case F32 -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i, v);
            case BF16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Numbers.floatToBf16(v));
            case F16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Numbers.floatToF16(v));
        }
    }

    /** Amplitude of a uniform distribution with the given standard deviation. */
    static float amplitudeForStd(double std) {
        return (float) (std * Math.sqrt(3.0));
    }
}
