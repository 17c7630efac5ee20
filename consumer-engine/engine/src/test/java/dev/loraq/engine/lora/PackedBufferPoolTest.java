package dev.loraq.engine.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PackedBufferPoolTest {

    @Test
    void shouldHandOutAGivenBufferOnceForANeedItHolds() {
        PackedBufferPool pool = new PackedBufferPool(2);
        float[] b = new float[100];
        pool.give(b);
        assertNull(pool.take(101), "too short");
        assertSame(b, pool.take(90));
        assertNull(pool.take(90), "taken already");
        assertEquals(1, pool.reused());
    }

    @Test
    void shouldNotLetASmallNeedPinABigBuffer() {
        PackedBufferPool pool = new PackedBufferPool(2);
        pool.give(new float[1000]);
        assertNull(pool.take(500), "half of it would be wasted");
        assertEquals(1, pool.size(), "kept for a need that fits it");
    }

    @Test
    void shouldTakeTheSmallestBufferThatFits() {
        PackedBufferPool pool = new PackedBufferPool(3);
        float[] big = new float[120];
        float[] snug = new float[105];
        pool.give(big);
        pool.give(snug);
        assertSame(snug, pool.take(100));
        assertSame(big, pool.take(100));
    }

    @Test
    void shouldDropTheOldestBeyondItsCapacity() {
        PackedBufferPool pool = new PackedBufferPool(2);
        float[] first = new float[10];
        pool.give(first);
        pool.give(new float[10]);
        pool.give(new float[10]);
        assertEquals(2, pool.size());
        for (int i = 0; i < 2; i++) {
            float[] b = pool.take(10);
            assertEquals(10, b.length);
            assertNotSame(first, b, "the oldest was dropped");
        }
    }

    @Test
    void shouldKeepNothingWhenOff() {
        PackedBufferPool pool = PackedBufferPool.none();
        pool.give(new float[10]);
        assertEquals(0, pool.size());
        assertNull(pool.take(10));
    }

    @Test
    void shouldRefuseTheSameBufferTwice() {
        PackedBufferPool pool = new PackedBufferPool(2);
        float[] b = new float[10];
        pool.give(b);
        assertThrows(IllegalStateException.class, () -> pool.give(b));
    }
}
