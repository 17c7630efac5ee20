package dev.loraq.engine.model;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import dev.loraq.engine.tensor.DType;

/**
 * One tensor as the model folder stores it: its header entry (name, dtype, shape) and its bytes, a slice of the
 * mapped safetensors file (little-endian, no copy, valid until the file is closed). Nothing is converted: a backend
 * prepares its own layout from these (the CPU backend bf16 or int8 matrices, a GPU backend an upload to its memory).
 *
 * @param file the safetensors file holding it (for error messages)
 */
public record StoredTensor(Path file, TensorInfo info, MemorySegment data) {

    public String name() {
        return info.name();
    }

    public DType dtype() {
        return info.dtype();
    }

    /** The first dimension: a matrix's rows (output features), a vector's length. */
    public int rows() {
        return (int) info.shape()[0];
    }

    /** A matrix's columns (input features); 1 for a vector. */
    public int cols() {
        return info.shape().length < 2 ? 1 : (int) info.shape()[1];
    }

    /** The values widened to f32 (copies; for small tensors such as norms). */
    public float[] toFloats() {
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file + ": tensor '" + name() + "' is too large to read into one array");
        }
        float[] out = new float[(int) count];
        SafetensorsFile.toFloats(data, dtype(), out, 0, out.length);
        return out;
    }
}
