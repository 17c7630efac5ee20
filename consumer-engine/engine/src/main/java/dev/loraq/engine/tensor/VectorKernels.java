package dev.loraq.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hot kernels on the Vector API. The species is chosen once per JVM: the preferred one, or the width
 * in system property {@value #BITS_PROPERTY} (the tests run the kernels at every width this way, each
 * width in its own JVM, and compare with {@link ScalarKernels}). Scalar code only handles loop tails. Nothing here allocates except the convenience {@link #matmul(WeightMatrix, float[], int, float[])}.
 *
 * <p>bf16 matmul: one IntVector load holds 2L bf16 weights; shifting left 16 gives the even elements as
 * f32, masking the high half gives the odd ones. The activations are permuted once per matmul into the
 * same even/odd order ({@link #prepareActivations}), so the inner loop has no shuffles at all.
 *
 * <p>The matmuls dispatch to {@link NativeKernels} when those are active; the layouts are then the native
 * ones (16 lanes) at every width, see {@link #layoutLanes()}.
 */
public final class VectorKernels {
    /** System property that overrides the vector width in bits (64, 128, 256, 512); tests use it per JVM. */
    public static final String BITS_PROPERTY = "loraq.vector.bits";

    // The Vector API only compiles to SIMD instructions when the species is a compile-time constant, so the
    // species is a static final chosen once per JVM (an instance field holding it made decode ~30x slower).
    private static final VectorSpecies<Float> F = chooseSpecies();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int LANES = F.length();

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int TILE = 4;
    // Wide bf16 matrices (down_proj: 5632 columns) are cut into column blocks: four weight rows of a block
    // (8 KB) stay in L1 while every activation row passes; unblocked, the 45 KB tile fell out of L1 for each
    // row and a 64-row prefill ran at 0.65x the rate of the narrow projections.
    private static final int COL_BLOCK = 1024;
    private static final int BLOCKED_ABOVE_COLS = 2 * COL_BLOCK;
    private static final int ROW_BLOCK = 16;
    /** Floats of per-thread scratch {@link #matmul(WeightMatrix, float[], int, float[], int, int, float[])} needs. */
    public static final int MATMUL_SCRATCH_FLOATS = ROW_BLOCK * 2 * TILE * LANES;
    private static final float TWO_POW_M24 = 0x1.0p-24f;
    private static final boolean NATIVE = NativeKernels.active();
    private static final int LAYOUT_LANES = NATIVE ? NativeKernels.LANES : LANES;

    private VectorKernels() {
    }

    private static VectorSpecies<Float> chooseSpecies() {
        String bits = System.getProperty(BITS_PROPERTY);
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(bits.trim())));
    }

    /** The float species every kernel in this JVM uses. */
    public static VectorSpecies<Float> species() {
        return F;
    }

    /**
     * Lanes the matmul layouts are made for in this JVM (the even/odd order of bf16 activations, the interleave of
     * {@link Int8Matrix#quantize(WeightMatrix, Arena)}): the native kernels' when active, else the species'.
     */
    public static int layoutLanes() {
        return LAYOUT_LANES;
    }

    public static float dot(float[] a, int aOff, float[] bArr, int bOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int k = 0;
        int bound2 = n - 2 * LANES;
        for (; k <= bound2; k += 2 * LANES) {
            acc0 = FloatVector.fromArray(F, a, aOff + k).fma(FloatVector.fromArray(F, bArr, bOff + k), acc0);
            acc1 = FloatVector.fromArray(F, a, aOff + k + LANES)
                    .fma(FloatVector.fromArray(F, bArr, bOff + k + LANES), acc1);
        }
        for (; k <= n - LANES; k += LANES) {
            acc0 = FloatVector.fromArray(F, a, aOff + k).fma(FloatVector.fromArray(F, bArr, bOff + k), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            sum += a[aOff + k] * bArr[bOff + k];
        }
        return sum;
    }

    public static void rmsnorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        float ss = dot(x, xOff, x, xOff, n);
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        int k = 0;
        for (; k <= n - LANES; k += LANES) {
            FloatVector.fromArray(F, x, xOff + k).mul(inv).mul(FloatVector.fromArray(F, w, k)).intoArray(out, outOff + k);
        }
        for (; k < n; k++) {
            out[outOff + k] = x[xOff + k] * inv * w[k];
        }
    }

    public static void rope(float[] v, int off, int headDim, float[] cos, float[] sin, int csOff) {
        int half = headDim / 2;
        int k = 0;
        for (; k <= half - LANES; k += LANES) {
            FloatVector lo = FloatVector.fromArray(F, v, off + k);
            FloatVector hi = FloatVector.fromArray(F, v, off + half + k);
            FloatVector c = FloatVector.fromArray(F, cos, csOff + k);
            FloatVector s = FloatVector.fromArray(F, sin, csOff + k);
            lo.mul(c).sub(hi.mul(s)).intoArray(v, off + k);
            hi.mul(c).add(lo.mul(s)).intoArray(v, off + half + k);
        }
        for (; k < half; k++) {
            float lo = v[off + k];
            float hi = v[off + half + k];
            v[off + k] = lo * cos[csOff + k] - hi * sin[csOff + k];
            v[off + half + k] = hi * cos[csOff + k] + lo * sin[csOff + k];
        }
    }

    public static void softmax(float[] x, int off, int n) {
        int k = 0;
        FloatVector maxV = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; k <= n - LANES; k += LANES) {
            maxV = maxV.max(FloatVector.fromArray(F, x, off + k));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; k < n; k++) {
            max = Math.max(max, x[off + k]);
        }
        FloatVector sumV = FloatVector.zero(F);
        k = 0;
        for (; k <= n - LANES; k += LANES) {
            FloatVector e = FloatVector.fromArray(F, x, off + k).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + k);
            sumV = sumV.add(e);
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            float e = (float) Math.exp(x[off + k] - max);
            x[off + k] = e;
            sum += e;
        }
        float inv = 1f / sum;
        k = 0;
        for (; k <= n - LANES; k += LANES) {
            FloatVector.fromArray(F, x, off + k).mul(inv).intoArray(x, off + k);
        }
        for (; k < n; k++) {
            x[off + k] *= inv;
        }
    }

    public static void siluMul(float[] gate, int gOff, float[] up, int uOff, float[] out, int oOff, int n) {
        int k = 0;
        for (; k <= n - LANES; k += LANES) {
            FloatVector g = FloatVector.fromArray(F, gate, gOff + k);
            FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sig).mul(FloatVector.fromArray(F, up, uOff + k)).intoArray(out, oOff + k);
        }
        for (; k < n; k++) {
            float g = gate[gOff + k];
            out[oOff + k] = g / (1f + (float) Math.exp(-g)) * up[uOff + k];
        }
    }

    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int k = 0;
        for (; k <= n - LANES; k += LANES) {
            FloatVector.fromArray(F, x, xOff + k).fma(FloatVector.broadcast(F, a), FloatVector.fromArray(F, y, yOff + k)).intoArray(y, yOff + k);
        }
        for (; k < n; k++) {
            y[yOff + k] += a * x[xOff + k];
        }
    }

    /**
     * Puts n activation rows into the order {@link #matmul(WeightMatrix, float[], int, float[], int, int)}
     * reads for this matrix type (xp needs n * w.cols() floats). Run once per matmul, before splitting
     * output rows over threads.
     */
    public static void prepareActivations(WeightMatrix w, float[] x, int n, float[] xp) {
        int cols = w.cols();
        if (w instanceof Int8Matrix) {
            System.arraycopy(x, 0, xp, 0, n * cols);
            return;
        }
        int lanes = LAYOUT_LANES;
        int chunk = 2 * lanes;
        int full = cols - cols % chunk;
        for (int r = 0; r < n; r++) {
            int base = r * cols;
            for (int c = 0; c < full; c += chunk) {
                for (int j = 0; j < lanes; j++) {
                    xp[base + c + j] = x[base + c + 2 * j];
                    xp[base + c + lanes + j] = x[base + c + 2 * j + 1];
                }
            }
            System.arraycopy(x, base + full, xp, base + full, cols - full);
        }
    }

    /**
     * y[r * w.rows() + o] = W[o] · x[r] for output rows o in [rowStart, rowEnd) and all n activation rows,
     * xp prepared by {@link #prepareActivations}. A tile of 4 weight rows is read from memory once and then
     * serves every activation row while it sits in L1/L2; a single activation row reads bf16 weights one row
     * after the other.
     */
    public static void matmul(WeightMatrix w, float[] xp, int n, float[] y, int rowStart, int rowEnd, float[] scratch) {
        switch (w) {
            case Bf16Matrix m when NATIVE -> NativeKernels.matmulBf16(m, xp, n, y, rowStart, rowEnd);
            case Bf16Matrix m -> matmulBf16(m, xp, n, y, rowStart, rowEnd, scratch);
            case Int8Matrix m when NATIVE && m.lanes() == NativeKernels.LANES ->
                    NativeKernels.matmulInt8(m, xp, n, y, rowStart, rowEnd);
            case Int8Matrix m -> matmulInt8(m, xp, n, y, rowStart, rowEnd);
        }
    }

    /** Convenience for tests and cold paths: prepares into a new array and computes all output rows. */
    public static void matmul(WeightMatrix w, float[] x, int n, float[] y) {
        float[] xp = new float[n * w.cols()];
        prepareActivations(w, x, n, xp);
        matmul(w, xp, n, y, 0, w.rows(), new float[MATMUL_SCRATCH_FLOATS]);
    }

    private static void matmulBf16(Bf16Matrix m, float[] xp, int n, float[] y, int rowStart, int rowEnd, float[] scratch) {
        MemorySegment seg = m.segment();
        int cols = m.cols();
        int rows = m.rows();
        int chunk = 2 * LANES;
        int full = cols - cols % chunk;
        long rowBytes = 2L * cols;
        if (n == 1) {
            // Decode: no widening to share across activation rows, and one sequential stream of weights is read
            // faster than four rows side by side (as in the native kernel); the same sums in the same order.
            bf16Rows(seg, cols, rows, full, xp, 1, y, rowStart, rowEnd);
            return;
        }
        if (cols > BLOCKED_ABOVE_COLS) {
            int o = rowStart;
            for (; o <= rowEnd - TILE; o += TILE) {
                for (int r0 = 0; r0 < n; r0 += ROW_BLOCK) {
                    bf16TileColumnBlocks(seg, o, rowBytes, cols, full, xp, r0, Math.min(n, r0 + ROW_BLOCK), y, rows, scratch);
                }
            }
            bf16Rows(seg, cols, rows, full, xp, n, y, o, rowEnd);
            return;
        }
        int o = rowStart;
        for (; o <= rowEnd - TILE; o += TILE) {
            long b0 = o * rowBytes;
            long b1 = b0 + rowBytes;
            long b2 = b1 + rowBytes;
            long b3 = b2 + rowBytes;
            for (int r = 0; r < n; r++) {
                int xo = r * cols;
                FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
                FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
                for (int c = 0; c < full; c += chunk) {
                    FloatVector xe = FloatVector.fromArray(F, xp, xo + c);
                    FloatVector xodd = FloatVector.fromArray(F, xp, xo + c + LANES);
                    long off = 2L * c;
                    IntVector v0 = IntVector.fromMemorySegment(I, seg, b0 + off, ByteOrder.LITTLE_ENDIAN);
                    IntVector v1 = IntVector.fromMemorySegment(I, seg, b1 + off, ByteOrder.LITTLE_ENDIAN);
                    IntVector v2 = IntVector.fromMemorySegment(I, seg, b2 + off, ByteOrder.LITTLE_ENDIAN);
                    IntVector v3 = IntVector.fromMemorySegment(I, seg, b3 + off, ByteOrder.LITTLE_ENDIAN);
                    a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
                    c0 = v0.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c0);
                    a1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1);
                    c1 = v1.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c1);
                    a2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
                    c2 = v2.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c2);
                    a3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3);
                    c3 = v3.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c3);
                }
                float s0 = a0.add(c0).reduceLanes(VectorOperators.ADD);
                float s1 = a1.add(c1).reduceLanes(VectorOperators.ADD);
                float s2 = a2.add(c2).reduceLanes(VectorOperators.ADD);
                float s3 = a3.add(c3).reduceLanes(VectorOperators.ADD);
                for (int c = full; c < cols; c++) {
                    float xv = xp[xo + c];
                    s0 += Numbers.bf16ToFloat(seg.get(SHORT, b0 + 2L * c)) * xv;
                    s1 += Numbers.bf16ToFloat(seg.get(SHORT, b1 + 2L * c)) * xv;
                    s2 += Numbers.bf16ToFloat(seg.get(SHORT, b2 + 2L * c)) * xv;
                    s3 += Numbers.bf16ToFloat(seg.get(SHORT, b3 + 2L * c)) * xv;
                }
                int yo = r * rows + o;
                y[yo] = s0;
                y[yo + 1] = s1;
                y[yo + 2] = s2;
                y[yo + 3] = s3;
            }
        }
        bf16Rows(seg, cols, rows, full, xp, n, y, o, rowEnd);
    }

    /** Output rows [from, to) one at a time (the rest of a range that is not a multiple of the tile). */
    private static void bf16Rows(MemorySegment seg, int cols, int rows, int full, float[] xp, int n, float[] y, int from, int to) {
        int chunk = 2 * LANES;
        long rowBytes = 2L * cols;
        for (int o = from; o < to; o++) {
            long b0 = o * rowBytes;
            for (int r = 0; r < n; r++) {
                int xo = r * cols;
                FloatVector a0 = FloatVector.zero(F), c0 = FloatVector.zero(F);
                for (int c = 0; c < full; c += chunk) {
                    IntVector v0 = IntVector.fromMemorySegment(I, seg, b0 + 2L * c, ByteOrder.LITTLE_ENDIAN);
                    a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xp, xo + c), a0);
                    c0 = v0.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, xp, xo + c + LANES), c0);
                }
                float s0 = a0.add(c0).reduceLanes(VectorOperators.ADD);
                for (int c = full; c < cols; c++) {
                    s0 += Numbers.bf16ToFloat(seg.get(SHORT, b0 + 2L * c)) * xp[xo + c];
                }
                y[r * rows + o] = s0;
            }
        }
    }

    /**
     * One tile of four weight rows for activation rows [r0, r1), column block by column block. Each row's eight
     * accumulators are parked in {@code acc} between blocks, so every lane sums in the same order as the
     * unblocked loop: results do not depend on the batch or on where a part's range starts.
     */
    private static void bf16TileColumnBlocks(MemorySegment seg, int o, long rowBytes, int cols, int full, float[] xp,
                                             int r0, int r1, float[] y, int rows, float[] acc) {
        int chunk = 2 * LANES;
        int stride = 2 * TILE * LANES;
        long b0 = o * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        Arrays.fill(acc, 0, (r1 - r0) * stride, 0f);
        for (int k0 = 0; k0 < full; k0 += COL_BLOCK) {
            int k1 = Math.min(full, k0 + COL_BLOCK);
            for (int r = r0; r < r1; r++) {
                int xo = r * cols;
                int ao = (r - r0) * stride;
                FloatVector a0 = FloatVector.fromArray(F, acc, ao), a1 = FloatVector.fromArray(F, acc, ao + LANES);
                FloatVector a2 = FloatVector.fromArray(F, acc, ao + 2 * LANES), a3 = FloatVector.fromArray(F, acc, ao + 3 * LANES);
                FloatVector c0 = FloatVector.fromArray(F, acc, ao + 4 * LANES), c1 = FloatVector.fromArray(F, acc, ao + 5 * LANES);
                FloatVector c2 = FloatVector.fromArray(F, acc, ao + 6 * LANES), c3 = FloatVector.fromArray(F, acc, ao + 7 * LANES);
                for (int c = k0; c < k1; c += chunk) {
                    FloatVector xe = FloatVector.fromArray(F, xp, xo + c);
                    FloatVector xodd = FloatVector.fromArray(F, xp, xo + c + LANES);
                    long off = 2L * c;
                    IntVector v0 = IntVector.fromMemorySegment(I, seg, b0 + off, ByteOrder.LITTLE_ENDIAN);
                    IntVector v1 = IntVector.fromMemorySegment(I, seg, b1 + off, ByteOrder.LITTLE_ENDIAN);
                    IntVector v2 = IntVector.fromMemorySegment(I, seg, b2 + off, ByteOrder.LITTLE_ENDIAN);
                    IntVector v3 = IntVector.fromMemorySegment(I, seg, b3 + off, ByteOrder.LITTLE_ENDIAN);
                    a0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
                    c0 = v0.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c0);
                    a1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1);
                    c1 = v1.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c1);
                    a2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
                    c2 = v2.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c2);
                    a3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3);
                    c3 = v3.and(0xFFFF0000).reinterpretAsFloats().fma(xodd, c3);
                }
                a0.intoArray(acc, ao);
                a1.intoArray(acc, ao + LANES);
                a2.intoArray(acc, ao + 2 * LANES);
                a3.intoArray(acc, ao + 3 * LANES);
                c0.intoArray(acc, ao + 4 * LANES);
                c1.intoArray(acc, ao + 5 * LANES);
                c2.intoArray(acc, ao + 6 * LANES);
                c3.intoArray(acc, ao + 7 * LANES);
            }
        }
        for (int r = r0; r < r1; r++) {
            int xo = r * cols;
            int ao = (r - r0) * stride;
            int yo = r * rows + o;
            for (int t = 0; t < TILE; t++) {
                long bt = b0 + t * rowBytes;
                float s = FloatVector.fromArray(F, acc, ao + t * LANES).add(FloatVector.fromArray(F, acc, ao + (TILE + t) * LANES))
                        .reduceLanes(VectorOperators.ADD);
                for (int c = full; c < cols; c++) {
                    s += Numbers.bf16ToFloat(seg.get(SHORT, bt + 2L * c)) * xp[xo + c];
                }
                y[yo + t] = s;
            }
        }
    }

    private static void matmulInt8(Int8Matrix m, float[] x, int n, float[] y, int rowStart, int rowEnd) {
        if (m.lanes() != LANES) {
            throw new IllegalArgumentException("int8 matrix interleaved for " + m.lanes() + " lanes, kernels use " + LANES);
        }
        int cols = m.cols();
        int rows = m.rows();
        int full = cols - cols % (4 * LANES);
        // One weight row at a time for all activation rows: the row (at most a few KB) stays in L1.
        for (int o = rowStart; o < rowEnd; o++) {
            for (int r = 0; r < n; r++) {
                y[r * rows + o] = int8Row(m, o, x, r * cols, full) + int8Tail(m, o, x, r * cols, full);
            }
        }
    }

    /**
     * Dot of one interleaved int8 row with activations, over the full chunks. Kept small on purpose: the
     * Vector API only intrinsifies what C2 inlines, and a big method hits the inlining node limit.
     */
    private static float int8Row(Int8Matrix m, int row, float[] x, int xo, int full) {
        MemorySegment q = m.quants();
        MemorySegment sc = m.scales();
        long qBase = (long) row * m.cols();
        long sBase = (long) row * m.blocksPerRow();
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int c = 0; c < full; c += 4 * LANES) {
            IntVector v = IntVector.fromMemorySegment(I, q, qBase + c, ByteOrder.LITTLE_ENDIAN);
            float s0 = TWO_POW_M24 * sc.getAtIndex(FLOAT, sBase + c / Int8Matrix.BLOCK);
            float s1 = TWO_POW_M24 * sc.getAtIndex(FLOAT, sBase + (c + LANES) / Int8Matrix.BLOCK);
            float s2 = TWO_POW_M24 * sc.getAtIndex(FLOAT, sBase + (c + 2 * LANES) / Int8Matrix.BLOCK);
            float s3 = TWO_POW_M24 * sc.getAtIndex(FLOAT, sBase + (c + 3 * LANES) / Int8Matrix.BLOCK);
            a0 = byteAsFloat(v, 24).mul(FloatVector.fromArray(F, x, xo + c)).fma(FloatVector.broadcast(F, s0), a0);
            a1 = byteAsFloat(v, 16).mul(FloatVector.fromArray(F, x, xo + c + LANES)).fma(FloatVector.broadcast(F, s1), a1);
            a2 = byteAsFloat(v, 8).mul(FloatVector.fromArray(F, x, xo + c + 2 * LANES)).fma(FloatVector.broadcast(F, s2), a2);
            a3 = byteAsFloat(v, 0).mul(FloatVector.fromArray(F, x, xo + c + 3 * LANES)).fma(FloatVector.broadcast(F, s3), a3);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * The byte of every int lane that a left shift by {@code shift} moves to the top, as f32 times 2^24 (the
     * low bits masked off, so the value is exact; int8Row folds 2^-24 into the scale). Shift and mask
     * instead of an arithmetic right shift, and an explicit target species, keep C2's intrinsics on.
     */
    private static FloatVector byteAsFloat(IntVector v, int shift) {
        return (FloatVector) v.lanewise(VectorOperators.LSHL, shift).and(0xFF000000).convertShape(VectorOperators.I2F, F, 0);
    }

    /** Values past the last full chunk (natural order), each with its block's scale. */
    private static float int8Tail(Int8Matrix m, int row, float[] x, int xo, int full) {
        int cols = m.cols();
        long qBase = (long) row * cols;
        long sBase = (long) row * m.blocksPerRow();
        float sum = 0f;
        for (int c = full; c < cols; c++) {
            sum += m.quants().get(ValueLayout.JAVA_BYTE, qBase + c) * x[xo + c]
                    * m.scales().getAtIndex(FLOAT, sBase + c / Int8Matrix.BLOCK);
        }
        return sum;
    }
}
