package dev.loraq.engine.tensor;

/**
 * A read-only weight matrix of {@code rows} output features by {@code cols} input features, row-major,
 * as a linear layer's weight is stored (y = W x).
 */
public sealed interface WeightMatrix permits Bf16Matrix, Int8Matrix {
    int rows();

    int cols();

    /** One element as f32 (slow; for reference kernels and tests). */
    float get(int row, int col);

    /** Bytes the matrix occupies in memory (what one full pass streams). */
    long byteSize();

    /** Copies one row, widened to f32, into {@code out[outOffset..outOffset+cols)}. */
    void rowToFloats(int row, float[] out, int outOffset);
}
