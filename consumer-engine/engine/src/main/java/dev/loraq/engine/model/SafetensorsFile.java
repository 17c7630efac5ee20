package dev.loraq.engine.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.loraq.engine.tensor.DType;
import dev.loraq.engine.tensor.Numbers;

/**
 * A safetensors file mapped whole with FFM (no copy into the heap; works past 2 GiB). Tensor data are
 * slices of the mapping and stay valid until {@link #close()}. The header is validated up front: every
 * error names the file and, where it applies, the tensor.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapping, long dataStart,
                            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps and validates a file. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(path + ": not a safetensors file (" + size + " bytes, no header length)");
            }
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new ModelFormatException(path + ": header length " + headerLen + " does not fit the file size "
                        + size + " (truncated or not safetensors)");
            }
            byte[] header = map.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ModelFormatException(path + ": header is not valid JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(path + ": header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode t = e.getValue();
                if (name.equals("__metadata__")) {
                    t.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(name, parseTensor(path, name, t, dataSize));
            }
            return new SafetensorsFile(path, arena, map, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot map safetensors file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static TensorInfo parseTensor(Path path, String name, JsonNode t, long dataSize) {
        String where = path + ": tensor '" + name + "'";
        String dtypeName = t.path("dtype").asText(null);
        DType dtype = DType.fromSafetensorsName(dtypeName);
        if (dtype == null) {
            throw new ModelFormatException(where + " has unsupported dtype " + dtypeName + " (supported: F32, F16, BF16)");
        }
        JsonNode shapeNode = t.get("shape");
        JsonNode offs = t.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray() || offs == null || !offs.isArray() || offs.size() != 2) {
            throw new ModelFormatException(where + " lacks a shape array or a two-element data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int k = 0; k < shape.length; k++) {
            shape[k] = shapeNode.get(k).asLong(-1);
            if (shape[k] < 0) {
                throw new ModelFormatException(where + " has a negative dimension in shape " + shapeNode);
            }
        }
        long begin = offs.get(0).asLong(-1);
        long end = offs.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new ModelFormatException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataSize + " bytes (truncated file?)");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        if (info.elementCount() * dtype.byteSize() != end - begin) {
            throw new ModelFormatException(where + " has shape " + Arrays.toString(shape) + " of " + dtype
                    + " needing " + info.elementCount() * dtype.byteSize() + " bytes but data_offsets span " + (end - begin));
        }
        return info;
    }

    public Path path() {
        return path;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of a tensor; throws naming file and tensor when absent. */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelFormatException(path + ": missing tensor '" + name + "'");
        }
        return info;
    }

    /** The header entry, checked against the expected shape; throws naming file and tensor. */
    public TensorInfo info(String name, long... expectedShape) {
        TensorInfo info = info(name);
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new ModelFormatException(path + ": tensor '" + name + "' has shape " + info.shapeString()
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return info;
    }

    /** The tensor as stored: header entry and bytes; throws naming file and tensor when absent. */
    public StoredTensor tensor(String name) {
        TensorInfo info = info(name);
        return new StoredTensor(path, info, data(info));
    }

    /** The tensor as stored, checked against the expected shape; throws naming file and tensor. */
    public StoredTensor tensor(String name, long... expectedShape) {
        TensorInfo info = info(name, expectedShape);
        return new StoredTensor(path, info, data(info));
    }

    /** The tensor's raw bytes (a slice of the mapping, little-endian). */
    public MemorySegment data(String name) {
        return data(info(name));
    }

    /** The raw bytes of a header entry taken from {@link #info} of this file (no second name lookup). */
    public MemorySegment data(TensorInfo info) {
        return mapping.asSlice(dataStart + info.begin(), info.end() - info.begin());
    }

    /** The tensor's values widened to f32 (copies; for small tensors such as norms and LoRA weights). */
    public float[] readFloats(String name) {
        return tensor(name).toFloats();
    }

    /** Widens {@code count} elements of a dtype in {@code src} to f32. */
    public static void toFloats(MemorySegment src, DType dtype, float[] out, int outOffset, int count) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                    out, outOffset, count);
            case BF16 -> {
                for (int k = 0; k < count; k++) {
                    out[outOffset + k] = Numbers.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * k));
                }
            }
            case F16 -> {
                for (int k = 0; k < count; k++) {
                    out[outOffset + k] = Numbers.f16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * k));
                }
            }
        }
    }

    /**
     * Widens a row-major {@code rows x cols} matrix of a dtype in {@code src} to f32 and writes it transposed
     * ({@code cols x rows}, row-major) at {@code outOffset}. Output rows are filled one after the other so the
     * writes stream; the strided reads stay within the cache lines of the matrix (LoRA B has few columns).
     */
    public static void toFloatsTransposed(MemorySegment src, DType dtype, int rows, int cols, float[] out, int outOffset) {
        switch (dtype) {
            case F32 -> {
                for (int j = 0; j < cols; j++) {
                    int d = outOffset + j * rows;
                    for (int i = 0; i < rows; i++) {
                        out[d + i] = src.getAtIndex(F32_LE, (long) i * cols + j);
                    }
                }
            }
            case BF16 -> {
                for (int j = 0; j < cols; j++) {
                    int d = outOffset + j * rows;
                    for (int i = 0; i < rows; i++) {
                        out[d + i] = Numbers.bf16ToFloat(src.getAtIndex(I16_LE, (long) i * cols + j));
                    }
                }
            }
            case F16 -> {
                for (int j = 0; j < cols; j++) {
                    int d = outOffset + j * rows;
                    for (int i = 0; i < rows; i++) {
                        out[d + i] = Numbers.f16ToFloat(src.getAtIndex(I16_LE, (long) i * cols + j));
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
