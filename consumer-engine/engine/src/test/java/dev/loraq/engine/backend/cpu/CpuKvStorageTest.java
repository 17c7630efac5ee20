package dev.loraq.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuKvStorageTest {
    @Test
    void shouldHoldEverySlotOfEveryLayerWithoutOverlap() {
        CpuKvStorage kv = new CpuKvStorage(2, 8, 16, 10);
        assertEquals(16, kv.blockSize());
        assertEquals(10, kv.blocks());
        for (int layer = 0; layer < 2; layer++) {
            assertEquals(10 * 16 * 8, kv.keys(layer).length);
            assertEquals(10 * 16 * 8, kv.values(layer).length);
        }
        assertTrue(kv.keys(0) != kv.keys(1) && kv.keys(0) != kv.values(0), "each layer and kind has its own array");
        assertEquals(0, kv.rowOffset(0));
        assertEquals(8, kv.rowOffset(1), "one slot holds kvDim floats");
        assertEquals(10 * 16 * 8 - 8, kv.rowOffset(10 * 16 - 1), "the last slot ends the array");
    }

    @Test
    void shouldRefuseABudgetBeyondOneArrayPerLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CpuKvStorage(1, 1024, 1024, 4096));
        assertTrue(e.getMessage().contains("4096 blocks") && e.getMessage().contains("fewer blocks"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CpuKvStorage(1, 8, 0, 4));
    }
}
