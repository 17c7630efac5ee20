package dev.loraq.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The kernels pick their species once per JVM (a constant species is what makes the Vector API compile to
 * SIMD), so each width gets its own child JVM running {@link VectorKernelsTest} with
 * {@code -Dloraq.vector.bits=N}, once with the Java matmuls and once with the native ones.
 */
class VectorWidthsTest {
    @Test
    void shouldPassTheKernelTestsAtEveryVectorWidth() throws IOException, InterruptedException {
        int maxBits = FloatVector.SPECIES_MAX.vectorBitSize();
        assertEquals(512, maxBits, "this AVX-512 machine should offer 512-bit vectors");
        String java = ProcessHandle.current().info().command().orElseThrow();
        for (int bits = 64; bits <= maxBits; bits *= 2) {
            // Each width with the Java matmuls and with the native ones (where built: they use their own
            // 16-lane layouts at every width, prepared by VectorKernels), with and without VNNI for int8.
            for (String kernels : List.of("off", "avx512f", "auto")) {
                List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED", "-D" + VectorKernels.BITS_PROPERTY + "=" + bits,
                        "-D" + NativeKernels.PROPERTY + "=" + kernels,
                        "-Dloraq.native.built=" + Boolean.getBoolean("loraq.native.built"),
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"), KernelTestsAtWidth.class.getName()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String where = bits + " bits, " + NativeKernels.PROPERTY + "=" + kernels;
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM at " + where + " timed out");
                assertEquals(0, p.exitValue(), "kernel tests failed at " + where + ":\n" + output);
                boolean nativeMatmuls = VectorKernelsTest.nativeExpected(kernels);
                assertTrue(output.contains("kernel tests passed at " + bits + " bits, matmul "
                        + (nativeMatmuls ? "native" : "java")), output);
            }
        }
    }
}
