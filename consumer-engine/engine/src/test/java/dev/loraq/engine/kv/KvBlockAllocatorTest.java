package dev.loraq.engine.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KvBlockAllocatorTest {
    @Test
    void shouldAccountBlocksOnReserveAndRelease() {
        KvBlockAllocator kv = new KvBlockAllocator(16, 10);
        assertEquals(10, kv.freeBlocks());
        assertEquals(16, kv.blockSize());
        assertEquals(10, kv.totalBlocks());
        int a = kv.open();
        int b = kv.open();
        assertTrue(kv.reserve(a, 17));
        assertEquals(8, kv.freeBlocks());
        assertEquals(32, kv.capacity(a));
        assertTrue(kv.reserve(a, 20), "growing within the reserved blocks needs nothing");
        assertEquals(8, kv.freeBlocks());
        assertTrue(kv.reserve(b, 48));
        assertEquals(5, kv.freeBlocks());
        assertNotEquals(kv.slot(a, 0), kv.slot(b, 0));
        kv.release(a);
        assertEquals(7, kv.freeBlocks());
        assertThrows(IllegalArgumentException.class, () -> kv.reserve(a, 1), "released handle is closed");
        kv.release(b);
        assertEquals(10, kv.freeBlocks());
    }

    @Test
    void shouldRefuseWhenFullAndAllocateNothing() {
        KvBlockAllocator kv = new KvBlockAllocator(4, 5);
        int a = kv.open();
        assertTrue(kv.reserve(a, 12));
        int b = kv.open();
        assertFalse(kv.reserve(b, 9), "needs 3 blocks, 2 free");
        assertEquals(2, kv.freeBlocks());
        assertEquals(0, kv.capacity(b));
        assertTrue(kv.reserve(b, 8));
        assertEquals(0, kv.freeBlocks());
        assertFalse(kv.reserve(a, 13));
        assertEquals(12, kv.capacity(a));
    }

    @Test
    void shouldMapPositionsToDistinctSlotsAndRejectUnreservedOnes() {
        KvBlockAllocator kv = new KvBlockAllocator(2, 6);
        int a = kv.open();
        kv.reserve(a, 5);
        java.util.Set<Integer> slots = new java.util.HashSet<>();
        for (int p = 0; p < 6; p++) {
            slots.add(kv.slot(a, p));
            assertEquals(kv.blockTable(a)[p / 2] * 2 + p % 2, kv.slot(a, p), "the slot follows the block table");
        }
        assertEquals(6, slots.size());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kv.slot(a, 6));
        assertTrue(e.getMessage().contains("position 6"), e.getMessage());
        assertEquals(-1, kv.reservedSlot(a, 6));
    }

    @Test
    void shouldReuseReleasedHandles() {
        KvBlockAllocator kv = new KvBlockAllocator(2, 6);
        int a = kv.open();
        kv.release(a);
        assertEquals(a, kv.open());
        assertEquals(3, KvBlockAllocator.blocksFor(5, 2));
        assertEquals(0, KvBlockAllocator.blocksFor(0, 2));
    }
}
