package dev.loraq.engine.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional native matmul kernels (src/main/c/loraq_kernels.c, built with gcc during the Maven build when
 * gcc is there) called through FFM. They compute what {@link VectorKernels}' matmuls compute, in the layouts
 * {@link VectorKernels#prepareActivations} produces when they are {@link #active()}: bf16 activations in the
 * even/odd order of 16 lanes, int8 quants interleaved for 16 lanes. The Java kernels stay the fallback and
 * the reference.
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default) uses them when the library loaded and the CPU
 * has AVX-512F, with VNNI for int8 widening where the CPU has it; {@code avx512f} the same without VNNI (the
 * plain path, for tests and measurements on a VNNI CPU); {@code off} keeps the Java kernels. Read once per JVM,
 * like the vector width.
 */
public final class NativeKernels {
    /** System property choosing the kernels: {@code auto}, {@code avx512f} or {@code off}. */
    public static final String PROPERTY = "loraq.native.kernels";
    /** The lane count the native layouts are made for (512-bit vectors of f32). */
    public static final int LANES = 16;
    /** Where the build puts the library on the class path. */
    private static final String RESOURCE = "/dev/loraq/engine/tensor/native/linux-x86_64/libloraq_kernels.so";

    // loraq_features() bits, in this order: avx512f, avx512bw, avx512_bf16, avx512_vnni.
    private static final String[] FEATURES = {"avx512f", "avx512bw", "avx512_bf16", "avx512_vnni"};
    private static final int AVX512F = 1;
    private static final int AVX512_VNNI = 8;

    private static final Logger LOG = LoggerFactory.getLogger(NativeKernels.class);
    private static final Library LIBRARY = Library.load();
    private static final String MODE = mode();
    private static final boolean ACTIVE = !MODE.equals("off") && LIBRARY.handles().isPresent()
            && (LIBRARY.features() & AVX512F) != 0;
    private static final boolean INT8_VNNI = ACTIVE && MODE.equals("auto") && (LIBRARY.features() & AVX512_VNNI) != 0;
    // Static finals, so that C2 binds the downcalls as constants (null when the library did not load).
    private static final MethodHandle BF16 = LIBRARY.handles().map(Handles::bf16).orElse(null);
    private static final MethodHandle INT8 = LIBRARY.handles().map(INT8_VNNI ? Handles::int8Vnni : Handles::int8).orElse(null);

    private NativeKernels() {
    }

    private static String mode() {
        String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("avx512f") && !mode.equals("off")) {
            throw new IllegalArgumentException(PROPERTY + " must be auto, avx512f or off, not " + mode);
        }
        return mode;
    }

    /** Whether the library loaded here (whatever the property says). */
    public static boolean loaded() {
        return LIBRARY.handles().isPresent();
    }

    /** Whether the matmuls run natively in this JVM: loaded, AVX-512F, and not switched off. */
    public static boolean active() {
        return ACTIVE;
    }

    /** One line for the logs: which matmul kernels run and why. */
    public static String describe() {
        if (ACTIVE) {
            return "native (cpu " + featureNames(LIBRARY.features()) + "; int8 widening " + (INT8_VNNI ? "vnni" : "shifts") + ")";
        }
        return "java (" + LIBRARY.why(MODE) + ")";
    }

    /** y[r * rows + o] = W[o] · x[r], o in [rowStart, rowEnd), x prepared for 16 lanes. Only when active. */
    static void matmulBf16(Bf16Matrix m, float[] xp, int n, float[] y, int rowStart, int rowEnd) {
        try {
            BF16.invokeExact(m.segment(), m.rows(), m.cols(),
                    MemorySegment.ofArray(xp), n, MemorySegment.ofArray(y), rowStart, rowEnd);
        } catch (Throwable t) {
            throw new IllegalStateException("native bf16 matmul failed", t);
        }
    }

    /** As {@link #matmulBf16} for an int8 matrix interleaved for {@value #LANES} lanes, x in natural order. */
    static void matmulInt8(Int8Matrix m, float[] x, int n, float[] y, int rowStart, int rowEnd) {
        try {
            INT8.invokeExact(m.quants(), m.scales(), m.rows(), m.cols(),
                    MemorySegment.ofArray(x), n, MemorySegment.ofArray(y), rowStart, rowEnd);
        } catch (Throwable t) {
            throw new IllegalStateException("native int8 matmul failed", t);
        }
    }

    private static String featureNames(int features) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FEATURES.length; i++) {
            if ((features & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(FEATURES[i]);
            }
        }
        return sb.isEmpty() ? "no avx-512" : sb.toString();
    }

    /** The downcalls, bound once: int8Vnni only differs from int8 in how it widens quants (same results). */
    private record Handles(MethodHandle bf16, MethodHandle int8, MethodHandle int8Vnni) {
    }

    /**
     * The loaded library (or why not): its handles, the CPU features it reported, and the reason it is
     * missing, for {@link #describe()}.
     */
    private record Library(Optional<Handles> handles, int features, String missing) {
        String why(String mode) {
            if (mode.equals("off")) {
                return PROPERTY + "=off";
            }
            if (handles.isEmpty()) {
                return missing;
            }
            return "cpu has no avx-512f";
        }

        static Library load() {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch");
            if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
                return new Library(Optional.empty(), 0, "no native kernels for " + os + "/" + arch);
            }
            try (InputStream in = NativeKernels.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    return new Library(Optional.empty(), 0, "no library in this build: gcc missing at build time?");
                }
                // SymbolLookup needs a file: a private copy, deleted once loaded (the mapping outlives the name).
                Path file = Files.createTempFile(Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
                        "libloraq_kernels", ".so");
                SymbolLookup lib;
                try {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                    lib = SymbolLookup.libraryLookup(file, Arena.global());
                } finally {
                    Files.deleteIfExists(file);
                }
                Linker linker = Linker.nativeLinker();
                int features = (int) linker.downcallHandle(lib.findOrThrow("loraq_features"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
                // critical(true): no thread-state transition and heap arrays passed in place (the matmuls
                // are short, never block and never call back).
                Linker.Option critical = Linker.Option.critical(true);
                ValueLayout ptr = ValueLayout.ADDRESS;
                ValueLayout i32 = ValueLayout.JAVA_INT;
                MethodHandle bf16 = linker.downcallHandle(lib.findOrThrow("loraq_matmul_bf16"),
                        FunctionDescriptor.ofVoid(ptr, i32, i32, ptr, i32, ptr, i32, i32), critical);
                FunctionDescriptor int8Call = FunctionDescriptor.ofVoid(ptr, ptr, i32, i32, ptr, i32, ptr, i32, i32);
                MethodHandle int8 = linker.downcallHandle(lib.findOrThrow("loraq_matmul_int8"), int8Call, critical);
                MethodHandle int8Vnni = linker.downcallHandle(lib.findOrThrow("loraq_matmul_int8_vnni"), int8Call, critical);
                return new Library(Optional.of(new Handles(bf16, int8, int8Vnni)), features, "");
            } catch (Throwable t) {
                LOG.warn("native kernels not loaded, using the Java kernels", t);
                return new Library(Optional.empty(), 0, "load failed: " + t);
            }
        }
    }
}
