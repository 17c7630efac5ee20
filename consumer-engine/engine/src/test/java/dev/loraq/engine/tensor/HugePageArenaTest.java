package dev.loraq.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HugePageArenaTest {
    private static final long MIB = 1L << 20;

    @Test
    void shouldReserveExactlyWhereTheKernelOffersTransparentHugePages() {
        Optional<HugePageArena> arena = HugePageArena.reserve(MIB);
        try {
            assertEquals(HugePageArena.unavailable().isEmpty(), arena.isPresent());
            arena.ifPresent(a -> assertEquals(2 * MIB, a.reserved(), "rounded up to whole huge pages"));
        } finally {
            arena.ifPresent(HugePageArena::close);
        }
    }

    @Test
    void shouldHandOutAlignedDisjointZeroedSlicesThatDieWithTheArena() {
        Optional<HugePageArena> reserved = HugePageArena.reserve(4 * MIB);
        if (reserved.isEmpty()) {
            assertFalse(HugePageArena.unavailable().isEmpty(), "refused only with a reason");
            return;
        }
        MemorySegment first;
        try (HugePageArena arena = reserved.get()) {
            first = arena.allocate(100, 64);
            MemorySegment second = arena.allocate(3 * MIB, 64);
            assertEquals(0, first.address() % (2 * MIB), "the region starts on a huge-page boundary");
            assertEquals(0, second.address() % 64);
            assertTrue(second.address() >= first.address() + first.byteSize(), "slices do not overlap");
            assertEquals(-1, second.mismatch(MemorySegment.ofArray(new byte[(int) second.byteSize()])), "fresh memory is zero");
            first.fill((byte) 7);
            assertEquals(0, second.get(ValueLayout.JAVA_BYTE, 0), "writing one slice leaves the next alone");
            MemorySegment beyond = arena.allocate(2 * MIB, 64);
            assertEquals(2 * MIB, beyond.byteSize(), "beyond the reservation it still allocates, outside the region");
            assertTrue(arena.used() <= arena.reserved());
        }
        assertFalse(first.scope().isAlive(), "closing the arena unmaps its slices");
        MemorySegment dead = first;
        assertThrows(IllegalStateException.class, () -> dead.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void shouldPutWrittenMemoryInHugePages() throws IOException {
        Optional<HugePageArena> reserved = HugePageArena.reserve(8 * MIB);
        if (reserved.isEmpty()) {
            assertFalse(HugePageArena.unavailable().isEmpty(), "refused only with a reason");
            return;
        }
        try (HugePageArena arena = reserved.get()) {
            MemorySegment weights = arena.allocate(8 * MIB, 64);
            weights.fill((byte) 1);
            assertTrue(anonHugePagesKb(weights.address()) >= 2048,
                    "the kernel backs the written region with at least one 2 MiB page (/proc/self/smaps)");
        }
    }

    /** AnonHugePages of the mapping of this process that holds {@code address}, from /proc/self/smaps. */
    private static long anonHugePagesKb(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String line : lines) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                long start = HexFormat.fromHexDigitsToLong(line.substring(0, dash));
                long end = HexFormat.fromHexDigitsToLong(line.substring(dash + 1, space));
                inside = address >= start && address < end;
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping holds address " + Long.toHexString(address));
    }
}
