package dev.loraq.engine.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Numbers;

/**
 * Writes a safetensors file. Tensors are filled straight into a writable mapping of the output file
 * (no intermediate buffers), in parallel, so multi-GB synthetic models are written at page-cache speed.
 * The file appears atomically (written to a temporary name, then moved).
 */
public final class SafetensorsWriter {
    /** Fills a tensor's bytes (little-endian, already sized to the tensor). */
    @FunctionalInterface
    public interface Fill {
        void fill(MemorySegment target);
    }

    private record Entry(String name, DType dtype, long[] shape, Fill fill) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter() {
        metadata.put("format", "pt");
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor whose bytes {@code fill} writes. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, Fill fill) {
        for (Entry e : entries) {
            if (e.name.equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
        }
        entries.add(new Entry(name, dtype, shape.clone(), fill));
        return this;
    }

    /** Adds a tensor from f32 values, narrowed to {@code dtype}. */
    public SafetensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape needs " + count + " values, got " + values.length);
        }
        return add(name, dtype, shape, seg -> writeFloats(values, dtype, seg));
    }

    /** Narrows f32 values into a segment of the given dtype. */
    public static void writeFloats(float[] values, DType dtype, MemorySegment seg) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                    0, values.length);
            case BF16 -> {
                for (int k = 0; k < values.length; k++) {
                    seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * k, Numbers.floatToBf16(values[k]));
                }
            }
            case F16 -> {
                for (int k = 0; k < values.length; k++) {
                    seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * k, Numbers.floatToF16(values[k]));
                }
            }
        }
    }

    /** Writes the file. */
    public void write(Path file) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long[] offsets = new long[entries.size()];
        long offset = 0;
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            long bytes = e.dtype.byteSize();
            for (long d : e.shape) {
                bytes *= d;
            }
            ObjectNode t = header.putObject(e.name);
            t.put("dtype", e.dtype.safetensorsName());
            var shapeArr = t.putArray("shape");
            for (long d : e.shape) {
                shapeArr.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offsets[k] = offset;
            offset += bytes;
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Pad the header with spaces so tensor data start 8-byte aligned.
        int padded = (headerBytes.length + 7) / 8 * 8;
        long total = 8 + padded + offset;
        long dataStart = 8 + padded;
        long dataSize = offset;
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena arena = Arena.ofShared()) {
                MemorySegment map = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
                map.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, padded);
                MemorySegment.copy(headerBytes, 0, map, ValueLayout.JAVA_BYTE, 8, headerBytes.length);
                map.asSlice(8 + headerBytes.length, padded - headerBytes.length).fill((byte) ' ');
                IntStream.range(0, entries.size()).parallel().forEach(k -> {
                    long end = k + 1 < entries.size() ? offsets[k + 1] : dataSize;
                    entries.get(k).fill.fill(map.asSlice(dataStart + offsets[k], end - offsets[k]));
                });
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
