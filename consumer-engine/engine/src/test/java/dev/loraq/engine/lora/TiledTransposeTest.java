package dev.loraq.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.loraq.engine.model.SafetensorsFile;
import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Numbers;

class TiledTransposeTest {

    @Test
    void shouldMatchTheScalarTransposeForEachRankAndDtypeItHandles() {
        assumeTrue(TiledTranspose.handles(DType.F32, 16), "no 512-bit vectors here");
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            for (int cols : new int[] {16, 32, 64}) {
                for (int rows : new int[] {16, 37, 256, 5632 + 3}) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment src = matrix(arena, dtype, rows, cols);
                        float[] expected = new float[rows * cols + 9];
                        float[] actual = new float[rows * cols + 9];
                        SafetensorsFile.toFloatsTransposed(src, dtype, rows, cols, expected, 5);
                        TiledTranspose.transpose(src, dtype, rows, cols, actual, 5);
                        assertArrayEquals(expected, actual, dtype + " " + rows + " x " + cols);
                    }
                }
            }
        }
    }

    @Test
    void shouldLeaveRanksThatAreNotTilesAndF16ToTheScalarTranspose() {
        assertFalse(TiledTranspose.handles(DType.F32, 8));
        assertFalse(TiledTranspose.handles(DType.F32, 24));
        assertFalse(TiledTranspose.handles(DType.F16, 16));
    }

    private static MemorySegment matrix(Arena arena, DType dtype, int rows, int cols) {
        SplittableRandom random = new SplittableRandom(rows * 31L + cols);
        long n = (long) rows * cols;
        MemorySegment m = arena.allocate(n * (dtype == DType.F32 ? 4 : 2), 4);
        for (long k = 0; k < n; k++) {
            float v = (float) random.nextGaussian();
            if (dtype == DType.F32) {
                m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), k, v);
            } else {
                m.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), k, Numbers.floatToBf16(v));
            }
        }
        return m;
    }
}
