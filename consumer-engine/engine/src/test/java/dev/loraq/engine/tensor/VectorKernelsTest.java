package dev.loraq.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Each vector kernel against its scalar reference, at this JVM's vector width; {@link VectorWidthsTest}
 * reruns this class at every other width in child JVMs.
 */
class VectorKernelsTest {
    private static final Arena ARENA = Arena.ofShared();
    private static final int[] LENGTHS = {1, 3, 7, 16, 31, 33, 64, 100, 172, 257};

    @AfterAll
    static void closeArena() {
        ARENA.close();
    }

    /**
     * Whether a JVM with {@value NativeKernels#PROPERTY} = kernelsProperty should run the native matmuls: not off, a build that ran the native-kernels
     * profile with gcc on the PATH (so the library must be in the class path), Linux x86-64, and an AVX-512F CPU.
     */
    static boolean nativeExpected(String kernelsProperty) {
        return !"off".equals(kernelsProperty) && nativeBuilt() && cpuFlags().contains("avx512f");
    }

    private static boolean nativeBuilt() {
        boolean gcc = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "gcc")));
        return Boolean.getBoolean("loraq.native.built") && gcc && System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64");
    }

    private static List<String> cpuFlags() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(List.of());
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void shouldRunTheNativeMatmulsWhereTheyWereBuiltAndTheCpuHasAvx512UnlessSwitchedOff() {
        // A build with gcc must not silently fall back to the Java kernels (a broken .so or a lost resource).
        if (nativeBuilt()) {
            assertTrue(NativeKernels.loaded(), "gcc is here and the native profile ran, the library should load: "
                    + NativeKernels.describe());
        }
        assertEquals(nativeExpected(System.getProperty(NativeKernels.PROPERTY)), NativeKernels.active(), NativeKernels.describe());
        assertEquals(NativeKernels.active() ? NativeKernels.LANES : VectorKernels.species().length(),
                VectorKernels.layoutLanes(), "bf16 activations and int8 matrices are laid out for the kernels that run");
        String widening = "auto".equals(System.getProperty(NativeKernels.PROPERTY, "auto"))
                && cpuFlags().contains("avx512_vnni") ? "vnni" : "shifts";
        assertTrue(NativeKernels.describe().startsWith(NativeKernels.active()
                ? "native (cpu avx512f" : "java ("), NativeKernels.describe());
        assertEquals(NativeKernels.active(), NativeKernels.describe().endsWith("; int8 widening " + widening + ")"),
                NativeKernels.describe());
    }

    @Test
    void shouldUseThePreferredOrConfiguredWidth() {
        String bits = System.getProperty(VectorKernels.BITS_PROPERTY);
        int expected = bits == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(bits);
        assertEquals(expected, VectorKernels.species().vectorBitSize());
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    private static void assertClose(float[] expected, float[] actual, float tol, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            assertEquals(e, actual[i], tol * Math.max(1f, Math.abs(e)), what + " element " + i);
        }
    }

    @Test
    void dotShouldMatchScalar() {
        Random rnd = new Random(1);
        for (int n : LENGTHS) {
            float[] a = random(rnd, n + 5, 1f);
            float[] b = random(rnd, n + 3, 1f);
            assertEquals(ScalarKernels.dot(a, 2, b, 1, n), VectorKernels.dot(a, 2, b, 1, n), 1e-4f * n, "n=" + n);
        }
    }

    @Test
    void rmsnormShouldMatchScalar() {
        Random rnd = new Random(2);
        for (int n : LENGTHS) {
            float[] x = random(rnd, n + 4, 3f);
            float[] w = random(rnd, n, 1f);
            float[] e = new float[n + 2];
            float[] a = new float[n + 2];
            ScalarKernels.rmsnorm(x, 4, w, e, 2, n, 1e-5f);
            VectorKernels.rmsnorm(x, 4, w, a, 2, n, 1e-5f);
            assertClose(e, a, 1e-5f, "rmsnorm n=" + n);
        }
    }

    @Test
    void ropeShouldMatchScalar() {
        Random rnd = new Random(3);
        for (int headDim : new int[] {2, 6, 16, 34, 64, 128}) {
            float[] cos = random(rnd, headDim / 2 + 3, 1f);
            float[] sin = random(rnd, headDim / 2 + 3, 1f);
            float[] e = random(rnd, headDim + 5, 1f);
            float[] a = e.clone();
            ScalarKernels.rope(e, 5, headDim, cos, sin, 3);
            VectorKernels.rope(a, 5, headDim, cos, sin, 3);
            assertClose(e, a, 1e-6f, "rope headDim=" + headDim);
        }
    }

    @Test
    void softmaxShouldMatchScalar() {
        Random rnd = new Random(4);
        for (int n : LENGTHS) {
            float[] e = random(rnd, n + 1, 8f);
            float[] a = e.clone();
            ScalarKernels.softmax(e, 1, n);
            VectorKernels.softmax(a, 1, n);
            assertClose(e, a, 1e-5f, "softmax n=" + n);
            float sum = 0;
            for (int i = 1; i <= n; i++) {
                sum += a[i];
            }
            assertEquals(1f, sum, 1e-4f);
        }
    }

    @Test
    void siluMulShouldMatchScalar() {
        Random rnd = new Random(5);
        for (int n : LENGTHS) {
            float[] g = random(rnd, n + 1, 6f);
            float[] u = random(rnd, n + 2, 2f);
            float[] e = new float[n];
            float[] a = new float[n];
            ScalarKernels.siluMul(g, 1, u, 2, e, 0, n);
            VectorKernels.siluMul(g, 1, u, 2, a, 0, n);
            assertClose(e, a, 1e-5f, "silu*mul n=" + n);
        }
    }

    @Test
    void axpyShouldMatchScalar() {
        Random rnd = new Random(6);
        for (int n : LENGTHS) {
            float[] x = random(rnd, n + 3, 1f);
            float[] e = random(rnd, n + 1, 1f);
            float[] a = e.clone();
            ScalarKernels.axpy(0.37f, x, 3, e, 1, n);
            VectorKernels.axpy(0.37f, x, 3, a, 1, n);
            assertClose(e, a, 1e-6f, "axpy n=" + n);
        }
    }

    static Bf16Matrix randomBf16(Random rnd, int rows, int cols) {
        MemorySegment seg = ARENA.allocate((long) rows * cols * 2);
        for (long i = 0; i < (long) rows * cols; i++) {
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Numbers.floatToBf16((rnd.nextFloat() * 2 - 1) / 8));
        }
        return new Bf16Matrix(seg, rows, cols);
    }

    @Test
    void bf16MatmulShouldMatchScalarForOddShapesAndBatches() {
        Random rnd = new Random(7);
        int[][] shapes = {{1, 1}, {5, 7}, {9, 64}, {13, 100}, {4, 172}, {7, 257}, {33, 512}};
        for (int[] s : shapes) {
            assertMatmulMatchesScalar(randomBf16(rnd, s[0], s[1]), rnd, "bf16");
        }
    }

    @Test
    void wideBf16MatmulShouldMatchScalarAndGiveEachRowTheSameBitsAloneAsInABatch() {
        // Above 2048 columns the kernel works column block by column block, rows in blocks of 16: 9 weight rows
        // (a tile and a rest), 2100 columns (a tail at every width) and 20 rows (two row blocks) cross every edge.
        Random rnd = new Random(9);
        Bf16Matrix w = randomBf16(rnd, 9, 2100);
        int n = 20;
        float[] x = random(rnd, n * w.cols(), 1f);
        float[] expected = new float[n * w.rows()];
        float[] batched = new float[n * w.rows()];
        ScalarKernels.matmul(w, x, n, expected);
        VectorKernels.matmul(w, x, n, batched);
        assertClose(expected, batched, 1e-4f, "wide bf16 matmul n=" + n);
        assertEachRowGetsTheSameBitsAloneAsInTheBatch(true, w, x, n, batched);
    }

    @Test
    void narrowBf16AndInt8MatmulsShouldGiveEachRowTheSameBitsAloneAsInABatch() {
        // Batches of 2 and more rows share widened weights in the native kernels; a row's result must not move.
        Random rnd = new Random(10);
        Bf16Matrix w = randomBf16(rnd, 9, 300);
        for (WeightMatrix m : new WeightMatrix[] {w, Int8Matrix.quantize(w, ARENA), Int8Matrix.quantize(randomBf16(rnd, 6, 2100), ARENA)}) {
            int n = 7;
            float[] x = random(rnd, n * m.cols(), 1f);
            float[] batched = new float[n * m.rows()];
            VectorKernels.matmul(m, x, n, batched);
            assertEachRowGetsTheSameBitsAloneAsInTheBatch(NativeKernels.active(), m, x, n, batched);
        }
    }

    private static void assertEachRowGetsTheSameBitsAloneAsInTheBatch(boolean bits, WeightMatrix w, float[] x, int n,
                                                                      float[] batched) {
        for (int r = 0; r < n; r++) {
            float[] alone = new float[w.rows()];
            VectorKernels.matmul(w, Arrays.copyOfRange(x, r * w.cols(), (r + 1) * w.cols()), 1, alone);
            assertSameBits(bits, alone, Arrays.copyOfRange(batched, r * w.rows(), (r + 1) * w.rows()),
                    w.getClass().getSimpleName() + " row " + r + " alone vs in a batch of " + n);
        }
    }

    /**
     * Bit-equal outputs where {@code bits}; else within 1e-6. The Java int8 kernel's reduceLanes adds in another
     * order once C2 compiles it, so the same call can differ in the last bit between an early and a later run;
     * the native kernels have one compiled form and are held to the bits.
     */
    private static void assertSameBits(boolean bits, float[] expected, float[] actual, String what) {
        if (bits) {
            assertArrayEquals(expected, actual, what);
        } else {
            assertClose(expected, actual, 1e-6f, what);
        }
    }

    @Test
    void matmulOverOutputRowPartsShouldEqualTheWholeMatmul() {
        // The backend splits output rows over threads at multiples of 4; parts here start off the tile grid too.
        Random rnd = new Random(11);
        Bf16Matrix w = randomBf16(rnd, 23, 2100);
        for (WeightMatrix m : new WeightMatrix[] {w, Int8Matrix.quantize(w, ARENA)}) {
            int n = 3;
            float[] x = random(rnd, n * m.cols(), 1f);
            float[] whole = new float[n * m.rows()];
            VectorKernels.matmul(m, x, n, whole);
            float[] xp = new float[x.length];
            VectorKernels.prepareActivations(m, x, n, xp);
            float[] parts = new float[whole.length];
            float[] scratch = new float[VectorKernels.MATMUL_SCRATCH_FLOATS];
            int[] cuts = {0, 4, 5, 13, 23};
            for (int i = 0; i + 1 < cuts.length; i++) {
                VectorKernels.matmul(m, xp, n, parts, cuts[i], cuts[i + 1], scratch);
            }
            assertSameBits(NativeKernels.active(), whole, parts, m.getClass().getSimpleName() + " in parts " + Arrays.toString(cuts));
        }
    }

    @Test
    void int8MatmulShouldMatchScalarForOddShapesAndBatches() {
        Random rnd = new Random(8);
        int[][] shapes = {{1, 1}, {5, 31}, {9, 64}, {13, 100}, {4, 172}, {7, 257}, {33, 512}};
        for (int[] s : shapes) {
            assertMatmulMatchesScalar(Int8Matrix.quantize(randomBf16(rnd, s[0], s[1]), ARENA), rnd, "int8");
        }
    }

    /** The vector matmul against the scalar one, for batches of 1, 2, 3 and 5 rows. */
    private static void assertMatmulMatchesScalar(WeightMatrix w, Random rnd, String kind) {
        for (int n : new int[] {1, 2, 3, 5}) {
            float[] x = random(rnd, n * w.cols(), 1f);
            float[] e = new float[n * w.rows()];
            float[] a = new float[n * w.rows()];
            ScalarKernels.matmul(w, x, n, e);
            VectorKernels.matmul(w, x, n, a);
            assertClose(e, a, 1e-4f, kind + " matmul " + w.rows() + "x" + w.cols() + " n=" + n);
        }
    }

    @Test
    void int8MatmulShouldStayWithinQuantizationErrorOfBf16() {
        Random rnd = new Random(9);
        int rows = 64;
        int cols = 2048;
        Bf16Matrix w = randomBf16(rnd, rows, cols);
        Int8Matrix q = Int8Matrix.quantize(w, ARENA);
        float[] x = random(rnd, 2 * cols, 1f);
        float[] yb = new float[2 * rows];
        float[] yq = new float[2 * rows];
        VectorKernels.matmul(w, x, 2, yb);
        VectorKernels.matmul(q, x, 2, yq);
        // Each weight is off by at most half a step (max|w| / 254 per block); with |w| <= 1/8 and |x| <= 1
        // the error is a sum of cols roughly independent terms of that size.
        double stepHalf = (1.0 / 8) / 254;
        double bound = 4 * stepHalf * Math.sqrt(cols / 3.0);
        double worst = 0;
        double signal = 0;
        for (int i = 0; i < yb.length; i++) {
            worst = Math.max(worst, Math.abs(yb[i] - yq[i]));
            signal = Math.max(signal, Math.abs(yb[i]));
        }
        assertTrue(worst < bound, "int8 error " + worst + " above bound " + bound);
        assertTrue(worst > 0, "int8 should differ a little from bf16");
        assertTrue(worst < signal * 0.02, "int8 error " + worst + " not small against outputs up to " + signal);
    }

    @Test
    void bf16ConversionShouldRoundToNearestEven() {
        assertEquals(1.0f, Numbers.bf16ToFloat(Numbers.floatToBf16(1.0f)));
        assertEquals(Numbers.bf16ToFloat(Numbers.floatToBf16(1.00390625f)), 1.0f);
        assertEquals(Numbers.bf16ToFloat(Numbers.floatToBf16(1.01171875f)), 1.015625f);
        assertTrue(Float.isNaN(Numbers.bf16ToFloat(Numbers.floatToBf16(Float.NaN))));
    }
}
