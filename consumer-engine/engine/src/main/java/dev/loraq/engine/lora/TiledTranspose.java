package dev.loraq.engine.lora;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.loraq.engine.model.SafetensorsFile;
import dev.loraq.engine.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes a LoRA B (out x rank, row-major as PEFT stores it, f32 or bf16) transposed into the packed array, in 16 x 16
 * tiles transposed in registers: 16 rows are loaded as vectors, four rounds of two-vector permutes (each swaps the
 * off-diagonal blocks of 8, 4, 2, then 1 lanes) turn them into 16 columns, which are stored as runs of the output
 * rows. Element by element the transpose took about as long as the rest of a cold load (4.7 ms of the 25 MB of B^T of
 * a rank-16 1b adapter), tiled about 2.3 ms, close to a plain copy. Ranks that are not a multiple of 16, f16, and
 * machines without 512-bit vectors take {@link SafetensorsFile#toFloatsTransposed}.
 */
final class TiledTranspose {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;
    private static final VectorSpecies<Short> BF16_SPECIES = ShortVector.SPECIES_256;
    private static final int TILE = 16;
    /** Only where 16 floats are one native vector: emulated wider vectors are far slower than the scalar loop. */
    private static final boolean SUPPORTED = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // Permute indexes for selectFrom(a, b): 0..15 pick lane i of a, 16..31 lane i - 16 of b. Round b keeps a's lanes
    // with bit b clear and takes b's lanes below them (KEEP_LOW) or the reverse (KEEP_HIGH).
    private static final FloatVector KEEP_LOW_8 = indexes(8, true);
    private static final FloatVector KEEP_HIGH_8 = indexes(8, false);
    private static final FloatVector KEEP_LOW_4 = indexes(4, true);
    private static final FloatVector KEEP_HIGH_4 = indexes(4, false);
    private static final FloatVector KEEP_LOW_2 = indexes(2, true);
    private static final FloatVector KEEP_HIGH_2 = indexes(2, false);
    private static final FloatVector KEEP_LOW_1 = indexes(1, true);
    private static final FloatVector KEEP_HIGH_1 = indexes(1, false);

    private TiledTranspose() {
    }

    /** Whether {@link #transpose} handles a B of this dtype and rank here; otherwise use the scalar transpose. */
    static boolean handles(DType dtype, int rank) {
        return SUPPORTED && rank % TILE == 0 && (dtype == DType.F32 || dtype == DType.BF16);
    }

    /**
     * out[outOffset + j * rows + i] = src[i * cols + j] widened to f32, for a row-major {@code rows x cols} matrix;
     * only where {@link #handles} says so.
     */
    static void transpose(MemorySegment src, DType dtype, int rows, int cols, float[] out, int outOffset) {
        boolean bf16 = dtype == DType.BF16;
        long element = bf16 ? 2 : 4;
        long rowStride = element * cols;
        int fullRows = rows - rows % TILE;
        for (int c0 = 0; c0 < cols; c0 += TILE) {
            for (int i0 = 0; i0 < fullRows; i0 += TILE) {
                tile(src, bf16, (long) i0 * rowStride + c0 * element, rowStride, out, outOffset + c0 * rows + i0, rows);
            }
        }
        for (int i = fullRows; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long at = (long) i * cols + j;
                out[outOffset + j * rows + i] = bf16
                        ? Float.intBitsToFloat((src.getAtIndex(I16_LE, at) & 0xFFFF) << 16)
                        : src.getAtIndex(F32_LE, at);
            }
        }
    }

    /** One 16 x 16 tile from {@code base} (rows {@code rowStride} bytes apart) to 16 output runs from {@code d}. */
    private static void tile(MemorySegment src, boolean bf16, long base, long rowStride, float[] out, int d, int rows) {
        // Written out: sixteen locals stay in registers, an array of vectors would not.
        FloatVector t;
            FloatVector v0 = row(src, bf16, base + 0L * rowStride);
            FloatVector v1 = row(src, bf16, base + 1L * rowStride);
            FloatVector v2 = row(src, bf16, base + 2L * rowStride);
            FloatVector v3 = row(src, bf16, base + 3L * rowStride);
            FloatVector v4 = row(src, bf16, base + 4L * rowStride);
            FloatVector v5 = row(src, bf16, base + 5L * rowStride);
            FloatVector v6 = row(src, bf16, base + 6L * rowStride);
            FloatVector v7 = row(src, bf16, base + 7L * rowStride);
            FloatVector v8 = row(src, bf16, base + 8L * rowStride);
            FloatVector v9 = row(src, bf16, base + 9L * rowStride);
            FloatVector v10 = row(src, bf16, base + 10L * rowStride);
            FloatVector v11 = row(src, bf16, base + 11L * rowStride);
            FloatVector v12 = row(src, bf16, base + 12L * rowStride);
            FloatVector v13 = row(src, bf16, base + 13L * rowStride);
            FloatVector v14 = row(src, bf16, base + 14L * rowStride);
            FloatVector v15 = row(src, bf16, base + 15L * rowStride);
            t = v0;
            v0 = KEEP_LOW_8.selectFrom(t, v8);
            v8 = KEEP_HIGH_8.selectFrom(t, v8);
            t = v1;
            v1 = KEEP_LOW_8.selectFrom(t, v9);
            v9 = KEEP_HIGH_8.selectFrom(t, v9);
            t = v2;
            v2 = KEEP_LOW_8.selectFrom(t, v10);
            v10 = KEEP_HIGH_8.selectFrom(t, v10);
            t = v3;
            v3 = KEEP_LOW_8.selectFrom(t, v11);
            v11 = KEEP_HIGH_8.selectFrom(t, v11);
            t = v4;
            v4 = KEEP_LOW_8.selectFrom(t, v12);
            v12 = KEEP_HIGH_8.selectFrom(t, v12);
            t = v5;
            v5 = KEEP_LOW_8.selectFrom(t, v13);
            v13 = KEEP_HIGH_8.selectFrom(t, v13);
            t = v6;
            v6 = KEEP_LOW_8.selectFrom(t, v14);
            v14 = KEEP_HIGH_8.selectFrom(t, v14);
            t = v7;
            v7 = KEEP_LOW_8.selectFrom(t, v15);
            v15 = KEEP_HIGH_8.selectFrom(t, v15);
            t = v0;
            v0 = KEEP_LOW_4.selectFrom(t, v4);
            v4 = KEEP_HIGH_4.selectFrom(t, v4);
            t = v1;
            v1 = KEEP_LOW_4.selectFrom(t, v5);
            v5 = KEEP_HIGH_4.selectFrom(t, v5);
            t = v2;
            v2 = KEEP_LOW_4.selectFrom(t, v6);
            v6 = KEEP_HIGH_4.selectFrom(t, v6);
            t = v3;
            v3 = KEEP_LOW_4.selectFrom(t, v7);
            v7 = KEEP_HIGH_4.selectFrom(t, v7);
            t = v8;
            v8 = KEEP_LOW_4.selectFrom(t, v12);
            v12 = KEEP_HIGH_4.selectFrom(t, v12);
            t = v9;
            v9 = KEEP_LOW_4.selectFrom(t, v13);
            v13 = KEEP_HIGH_4.selectFrom(t, v13);
            t = v10;
            v10 = KEEP_LOW_4.selectFrom(t, v14);
            v14 = KEEP_HIGH_4.selectFrom(t, v14);
            t = v11;
            v11 = KEEP_LOW_4.selectFrom(t, v15);
            v15 = KEEP_HIGH_4.selectFrom(t, v15);
            t = v0;
            v0 = KEEP_LOW_2.selectFrom(t, v2);
            v2 = KEEP_HIGH_2.selectFrom(t, v2);
            t = v1;
            v1 = KEEP_LOW_2.selectFrom(t, v3);
            v3 = KEEP_HIGH_2.selectFrom(t, v3);
            t = v4;
            v4 = KEEP_LOW_2.selectFrom(t, v6);
            v6 = KEEP_HIGH_2.selectFrom(t, v6);
            t = v5;
            v5 = KEEP_LOW_2.selectFrom(t, v7);
            v7 = KEEP_HIGH_2.selectFrom(t, v7);
            t = v8;
            v8 = KEEP_LOW_2.selectFrom(t, v10);
            v10 = KEEP_HIGH_2.selectFrom(t, v10);
            t = v9;
            v9 = KEEP_LOW_2.selectFrom(t, v11);
            v11 = KEEP_HIGH_2.selectFrom(t, v11);
            t = v12;
            v12 = KEEP_LOW_2.selectFrom(t, v14);
            v14 = KEEP_HIGH_2.selectFrom(t, v14);
            t = v13;
            v13 = KEEP_LOW_2.selectFrom(t, v15);
            v15 = KEEP_HIGH_2.selectFrom(t, v15);
            t = v0;
            v0 = KEEP_LOW_1.selectFrom(t, v1);
            v1 = KEEP_HIGH_1.selectFrom(t, v1);
            t = v2;
            v2 = KEEP_LOW_1.selectFrom(t, v3);
            v3 = KEEP_HIGH_1.selectFrom(t, v3);
            t = v4;
            v4 = KEEP_LOW_1.selectFrom(t, v5);
            v5 = KEEP_HIGH_1.selectFrom(t, v5);
            t = v6;
            v6 = KEEP_LOW_1.selectFrom(t, v7);
            v7 = KEEP_HIGH_1.selectFrom(t, v7);
            t = v8;
            v8 = KEEP_LOW_1.selectFrom(t, v9);
            v9 = KEEP_HIGH_1.selectFrom(t, v9);
            t = v10;
            v10 = KEEP_LOW_1.selectFrom(t, v11);
            v11 = KEEP_HIGH_1.selectFrom(t, v11);
            t = v12;
            v12 = KEEP_LOW_1.selectFrom(t, v13);
            v13 = KEEP_HIGH_1.selectFrom(t, v13);
            t = v14;
            v14 = KEEP_LOW_1.selectFrom(t, v15);
            v15 = KEEP_HIGH_1.selectFrom(t, v15);
            v0.intoArray(out, d + 0 * rows);
            v1.intoArray(out, d + 1 * rows);
            v2.intoArray(out, d + 2 * rows);
            v3.intoArray(out, d + 3 * rows);
            v4.intoArray(out, d + 4 * rows);
            v5.intoArray(out, d + 5 * rows);
            v6.intoArray(out, d + 6 * rows);
            v7.intoArray(out, d + 7 * rows);
            v8.intoArray(out, d + 8 * rows);
            v9.intoArray(out, d + 9 * rows);
            v10.intoArray(out, d + 10 * rows);
            v11.intoArray(out, d + 11 * rows);
            v12.intoArray(out, d + 12 * rows);
            v13.intoArray(out, d + 13 * rows);
            v14.intoArray(out, d + 14 * rows);
            v15.intoArray(out, d + 15 * rows);
    }

    private static FloatVector row(MemorySegment src, boolean bf16, long offset) {
        if (!bf16) {
            return FloatVector.fromMemorySegment(SPECIES, src, offset, ByteOrder.LITTLE_ENDIAN);
        }
        ShortVector s = ShortVector.fromMemorySegment(BF16_SPECIES, src, offset, ByteOrder.LITTLE_ENDIAN);
        IntVector widened = (IntVector) s.convertShape(VectorOperators.ZERO_EXTEND_S2I, IntVector.SPECIES_512, 0);
        return widened.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector indexes(int block, boolean low) {
        float[] idx = new float[TILE];
        for (int l = 0; l < TILE; l++) {
            boolean inHighHalf = (l & block) != 0;
            if (low) {
                idx[l] = inHighHalf ? TILE + l - block : l;
            } else {
                idx[l] = inHighHalf ? TILE + l : l + block;
            }
        }
        return FloatVector.fromArray(SPECIES, idx, 0);
    }
}
