package dev.loraq.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Numbers;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    private static float roundTrip(DType t, float v) {
        return switch (t) {
            case F32 -> v;
            case BF16 -> Numbers.bf16ToFloat(Numbers.floatToBf16(v));
            case F16 -> Numbers.f16ToFloat(Numbers.floatToF16(v));
        };
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void shouldRoundTripEachDtype(DType dtype) {
        float[] a = {1f, -2.5f, 0.1f, 3.14159f, 65000f, -1e-3f};
        float[] b = {7f, 8f};
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().addFloats("a", dtype, new long[] {2, 3}, a).addFloats("b.bias", dtype, new long[] {2}, b)
                .metadata("origin", "test").write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(java.util.Set.of("a", "b.bias"), f.names());
            assertEquals("test", f.metadata().get("origin"));
            TensorInfo info = f.info("a", 2, 3);
            assertEquals(dtype, info.dtype());
            float[] back = f.readFloats("a");
            for (int i = 0; i < a.length; i++) {
                assertEquals(roundTrip(dtype, a[i]), back[i], "element " + i);
            }
            assertArrayEquals(b, f.readFloats("b.bias"));
            assertEquals(0, f.data("a").address() % 2, "data should be aligned");
        }
    }

    private Path rawFile(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Path file = dir.resolve("raw.safetensors");
        Files.write(file, buf.array());
        return file;
    }

    @Test
    void shouldNameFileAndTensorForUnknownDtype() throws IOException {
        Path file = rawFile("{\"w\":{\"dtype\":\"I4\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("I4"), e.getMessage());
    }

    @Test
    void shouldNameFileAndTensorForTruncatedData() throws IOException {
        Path file = dir.resolve("trunc.safetensors");
        new SafetensorsWriter().addFloats("big", DType.F32, new long[] {100}, new float[100]).write(file);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 40));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'big'"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldRejectATruncatedHeader() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, '{'});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("header length"), e.getMessage());
    }

    @Test
    void shouldRejectShapeThatDisagreesWithOffsets() throws IOException {
        Path file = rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void shouldNameFileAndTensorWhenATensorIsMissingOrMisshaped() {
        Path file = dir.resolve("one.safetensors");
        new SafetensorsWriter().addFloats("present", DType.F32, new long[] {2, 2}, new float[4]).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ModelFormatException missing = assertThrows(ModelFormatException.class, () -> f.info("absent"));
            assertTrue(missing.getMessage().contains(file.toString()) && missing.getMessage().contains("'absent'"));
            ModelFormatException shape = assertThrows(ModelFormatException.class, () -> f.info("present", 4, 1));
            assertTrue(shape.getMessage().contains("'present'") && shape.getMessage().contains("[2, 2]")
                    && shape.getMessage().contains("[4, 1]"), shape.getMessage());
        }
    }

    @Test
    void shouldMapFilesBeyondTwoGigabytes() {
        // A sparse tensor past the 2 GiB mark: only the mapping has to cover it, not the heap.
        long big = (1L << 31) + 4096;
        Path file = dir.resolve("large.safetensors");
        new SafetensorsWriter().add("huge", DType.BF16, new long[] {big / 2}, seg -> { })
                .addFloats("tail", DType.F32, new long[] {2}, new float[] {4f, 5f}).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(big, f.data("huge").byteSize());
            assertArrayEquals(new float[] {4f, 5f}, f.readFloats("tail"));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void shouldReadAMatrixTransposedAtAnOffset(DType dtype) {
        int rows = 37;
        int cols = 5;
        float[] m = new float[rows * cols];
        for (int k = 0; k < m.length; k++) {
            m[k] = (k % 11) - 0.5f * (k % 3);
        }
        Path file = dir.resolve("t-" + dtype + ".safetensors");
        new SafetensorsWriter().addFloats("m", dtype, new long[] {rows, cols}, m).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] plain = f.readFloats("m");
            float[] out = new float[3 + rows * cols];
            SafetensorsFile.toFloatsTransposed(f.data(f.info("m")), dtype, rows, cols, out, 3);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(plain[i * cols + j], out[3 + j * rows + i], "element " + i + "," + j);
                }
            }
            assertEquals(0f, out[0]);
        }
    }
}
