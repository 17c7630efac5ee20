package dev.loraq.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An int8 weight matrix quantized like llama.cpp's Q8_0: each row is cut into blocks of 32 values, and each
 * block stores 32 signed bytes and one f32 scale (max |w| / 127). A row's last block may be shorter when
 * cols is not a multiple of 32. Quants and scales live off-heap in the arena given at quantization.
 */
public record Int8Matrix(MemorySegment quants, MemorySegment scales, int rows, int cols) implements WeightMatrix {
    public static final int BLOCK = 32;

    /** Blocks per row. */
    public int blocksPerRow() {
        return (cols + BLOCK - 1) / BLOCK;
    }

    @Override
    public float get(int row, int col) {
        byte q = quants.get(ValueLayout.JAVA_BYTE, (long) row * cols + col);
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

    /** Quantizes any weight matrix (typically bf16) into a new int8 matrix allocated in {@code arena}. */
    public static Int8Matrix quantize(WeightMatrix source, Arena arena) {
        int rows = source.rows();
        int cols = source.cols();
        int blocks = (cols + BLOCK - 1) / BLOCK;
        MemorySegment q = arena.allocate((long) rows * cols, 64);
        MemorySegment s = arena.allocate((long) rows * blocks * 4, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
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
                    q.set(ValueLayout.JAVA_BYTE, qBase + c, (byte) Math.round(row[c] * inv));
                }
                s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) r * blocks + b, scale);
            }
        }
        return new Int8Matrix(q, s, rows, cols);
    }
}
