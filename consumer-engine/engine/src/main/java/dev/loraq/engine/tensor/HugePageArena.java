package dev.loraq.engine.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An arena whose allocations are slices of one anonymous mapping advised {@code MADV_HUGEPAGE}, so that what is
 * written into it sits in 2 MiB transparent huge pages: for the base weights the CPU kernels stream every token, where
 * a 4 KiB page costs a TLB entry per 4 KiB read (docs/benchmarks.md has what the copy into anonymous memory and
 * the huge pages measured). Linux only, and only where the kernel's THP mode is {@code madvise} or {@code always};
 * {@link #reserve} says why not otherwise.
 *
 * <p>The mapping reserves address space only ({@code MAP_NORESERVE}): pages are taken as they are first written,
 * so reserving an upper bound costs nothing. An allocation beyond the reservation comes from an ordinary arena of
 * the same lifetime. Allocations are zero (fresh anonymous memory) and thread-safe; {@link #close()} unmaps all.
 */
public final class HugePageArena implements Arena {
    private static final Logger LOG = LoggerFactory.getLogger(HugePageArena.class);
    private static final long HUGE_PAGE = 2L << 20;
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000;
    private static final int MADV_HUGEPAGE = 14;
    private static final Syscalls SYSCALLS = Syscalls.bind();

    private final Arena lifetime = Arena.ofShared();
    private final MemorySegment region;
    private long used;

    private HugePageArena(long bytes) throws Throwable {
        // One huge page more than asked, so that the region can start on a huge-page boundary.
        long mapped = bytes + HUGE_PAGE;
        MemorySegment base = (MemorySegment) SYSCALLS.mmap().invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE,
                MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0L);
        if (base.address() == -1L) {
            throw new IllegalStateException("mmap of " + mapped + " bytes failed");
        }
        long start = (base.address() + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        MemorySegment aligned = MemorySegment.ofAddress(start).reinterpret(bytes);
        int advised = (int) SYSCALLS.madvise().invokeExact(aligned, bytes, MADV_HUGEPAGE);
        if (advised != 0) {
            int unmapped = (int) SYSCALLS.munmap().invokeExact(base, mapped);
            throw new IllegalStateException("madvise(MADV_HUGEPAGE) failed" + (unmapped == 0 ? "" : ", munmap too"));
        }
        MethodHandle munmap = SYSCALLS.munmap();
        this.region = aligned.reinterpret(bytes, lifetime, ignored -> {
            try {
                int rc = (int) munmap.invokeExact(base, mapped);
                if (rc != 0) {
                    LOG.warn("munmap of the huge-page weights failed bytes={}", mapped);
                }
            } catch (Throwable t) {
                LOG.warn("munmap of the huge-page weights failed bytes={}", mapped, t);
            }
        });
    }

    /**
     * An arena reserving {@code bytes} of huge-page memory, or empty when huge pages cannot be had here, with the
     * reason logged once at INFO: not Linux, THP {@code never} or absent, or the calls failed.
     */
    public static Optional<HugePageArena> reserve(long bytes) {
        Optional<String> unavailable = unavailable();
        if (unavailable.isPresent()) {
            LOG.info("weights in 4 KiB pages: {}", unavailable.get());
            return Optional.empty();
        }
        try {
            return Optional.of(new HugePageArena(roundUp(Math.max(bytes, 1), HUGE_PAGE)));
        } catch (Throwable t) {
            LOG.info("weights in 4 KiB pages: {}", t.toString());
            return Optional.empty();
        }
    }

    /** Why this machine has no transparent huge pages to give, if it has none. */
    public static Optional<String> unavailable() {
        if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("transparent huge pages are Linux only");
        }
        if (SYSCALLS == null) {
            return Optional.of("mmap/madvise not found in the C library");
        }
        String mode;
        try {
            mode = Files.readString(THP_MODE).trim();
        } catch (IOException e) {
            return Optional.of("no transparent huge pages in this kernel (" + THP_MODE + " unreadable)");
        }
        if (mode.contains("[never]")) {
            return Optional.of("transparent huge pages are off (" + THP_MODE + ": " + mode + ")");
        }
        return Optional.empty();
    }

    /** Bytes reserved for slices. */
    public long reserved() {
        return region.byteSize();
    }

    /** Bytes handed out as slices so far (alignment padding included). */
    public synchronized long used() {
        return used;
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize < 0 || byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("invalid allocation: " + byteSize + " bytes aligned to " + byteAlignment);
        }
        long offset = roundUp(used, Math.min(byteAlignment, HUGE_PAGE));
        if (byteAlignment > HUGE_PAGE || offset + byteSize > region.byteSize()) {
            LOG.debug("allocation outside the huge-page region bytes={} reserved={} used={}", byteSize, region.byteSize(), used);
            return lifetime.allocate(byteSize, byteAlignment);
        }
        used = offset + byteSize;
        return region.asSlice(offset, byteSize);
    }

    @Override
    public MemorySegment.Scope scope() {
        return lifetime.scope();
    }

    @Override
    public void close() {
        lifetime.close();
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** The C library's mmap, madvise and munmap, bound once (null where the linker cannot find them). */
    private record Syscalls(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
        static Syscalls bind() {
            try {
                Linker linker = Linker.nativeLinker();
                ValueLayout ptr = ValueLayout.ADDRESS;
                ValueLayout i32 = ValueLayout.JAVA_INT;
                ValueLayout i64 = ValueLayout.JAVA_LONG;
                return new Syscalls(
                        linker.downcallHandle(linker.defaultLookup().findOrThrow("mmap"),
                                FunctionDescriptor.of(ptr, ptr, i64, i32, i32, i32, i64)),
                        linker.downcallHandle(linker.defaultLookup().findOrThrow("madvise"),
                                FunctionDescriptor.of(i32, ptr, i64, i32)),
                        linker.downcallHandle(linker.defaultLookup().findOrThrow("munmap"),
                                FunctionDescriptor.of(i32, ptr, i64)));
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
