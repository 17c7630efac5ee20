package dev.loraq.engine.tensor;

/** Conversions between f32 and the 16-bit float formats (bf16 and IEEE half). */
public final class Numbers {
    private Numbers() {
    }

    /** bf16 bits to float: the bf16 value is the upper half of the f32 bit pattern. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float to bf16 bits, rounding to nearest even (NaN kept as a quiet NaN). */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** IEEE half bits to float. */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** float to IEEE half bits. */
    public static short floatToF16(float value) {
        return Float.floatToFloat16(value);
    }
}
