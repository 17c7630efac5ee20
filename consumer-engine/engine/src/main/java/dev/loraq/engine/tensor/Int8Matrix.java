package dev.loraq.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * An int8 weight matrix quantized like llama.cpp's Q8_0: each row is cut into blocks of 32 values, and each
 * block has one f32 scale (max |w| / 127). A row's last block may be shorter when cols is not a multiple of 32.
 *
 * <p>Quants are stored interleaved for the vector kernel: within each chunk of {@code 4 * lanes} values,
 * value {@code k * lanes + j} sits at byte {@code 4 * j + k}, so one int-vector load followed by shifts
 * yields four float vectors of consecutive values (no byte shuffles, no activation permutation). Values past
 * the last full chunk stay in natural order. Quants and scales live off-heap in the arena given at
 * quantization.
 *
 * @param lanes the f32 lane count the interleave was made for (the kernels' species length)
 */
public record Int8Matrix(MemorySegment quants, MemorySegment scales, int rows, int cols, int lanes) implements WeightMatrix {
    public static final int BLOCK = 32;

    /** Byte position of a column within its row's quants. */
    public int storedIndex(int col) {
        int chunk = 4 * lanes;
        int full = cols - cols % chunk;
        if (col >= full) {
            return col;
        }
        int base = col - col % chunk;
        int within = col - base;
        return base + 4 * (within % lanes) + within / lanes;
    }

    /** Blocks per row. */
    public int blocksPerRow() {
        return (cols + BLOCK - 1) / BLOCK;
    }

    @Override
    public float get(int row, int col) {
        byte q = quants.get(ValueLayout.JAVA_BYTE, (long) row * cols + storedIndex(col));
        float s = scales.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) row * blocksPerRow() + col / BLOCK);
        return q * s;
    }

    @Override
    public long byteSize() {
        return quants.byteSize() + scales.byteSize();
    }

    @Override
    public void rowToFloats(int row, float[] out, int outOffset) {
        for (int c = 0; c < cols; c++) {
            out[outOffset + c] = get(row, c);
        }
    }

    /** Quantizes any weight matrix (typically bf16) into a new int8 matrix for this JVM's matmul kernels. */
    public static Int8Matrix quantize(WeightMatrix source, Arena arena) {
        return quantize(source, arena, VectorKernels.layoutLanes());
    }

    /** Quantizes into a new int8 matrix allocated in {@code arena}, interleaved for {@code lanes}. */
    public static Int8Matrix quantize(WeightMatrix source, Arena arena, int lanes) {
        int rows = source.rows();
        int cols = source.cols();
        int blocks = (cols + BLOCK - 1) / BLOCK;
        MemorySegment q = arena.allocate((long) rows * cols, 64);
        MemorySegment s = arena.allocate((long) rows * blocks * 4, 64);
        Int8Matrix m = new Int8Matrix(q, s, rows, cols, lanes);
        int[] stored = new int[cols];
        for (int c = 0; c < cols; c++) {
            stored[c] = m.storedIndex(c);
        }
        // Rows are independent: quantize them in parallel (an lm_head has tens of millions of values).
        IntStream.range(0, rows).parallel().forEach(r -> {
            float[] row = new float[cols];
            source.rowToFloats(r, row, 0);
            long qBase = (long) r * cols;
            for (int b = 0; b < blocks; b++) {
                int start = b * BLOCK;
                int end = Math.min(cols, start + BLOCK);
                float max = 0f;
                for (int c = start; c < end; c++) {
                    max = Math.max(max, Math.abs(row[c]));
                }
                float scale = max / 127f;
                float inv = scale == 0f ? 0f : 1f / scale;
                for (int c = start; c < end; c++) {
                    q.set(ValueLayout.JAVA_BYTE, qBase + stored[c], (byte) Math.round(row[c] * inv));
                }
                s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) r * blocks + b, scale);
            }
        });
        return m;
    }
}
