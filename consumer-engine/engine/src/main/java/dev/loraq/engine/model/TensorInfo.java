package dev.loraq.engine.model;

import java.util.Arrays;

import dev.loraq.engine.tensor.DType;

/** One tensor's header entry: dtype, shape and byte range within the data section. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
