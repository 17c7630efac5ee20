package dev.loraq.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A bf16 weight matrix over a memory segment (often a slice of a mapped safetensors file: no copy). */
public record Bf16Matrix(MemorySegment segment, int rows, int cols) implements WeightMatrix {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    public Bf16Matrix {
        if (segment.byteSize() != (long) rows * cols * 2) {
            throw new IllegalArgumentException("bf16 matrix " + rows + "x" + cols + " needs " + ((long) rows * cols * 2)
                    + " bytes, segment has " + segment.byteSize());
        }
    }

    @Override
    public float get(int row, int col) {
        return Numbers.bf16ToFloat(segment.get(SHORT, ((long) row * cols + col) * 2));
    }

    @Override
    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public void rowToFloats(int row, float[] out, int outOffset) {
        long base = (long) row * cols * 2;
        for (int c = 0; c < cols; c++) {
            out[outOffset + c] = Numbers.bf16ToFloat(segment.get(SHORT, base + 2L * c));
        }
    }
}
