package dev.loraq.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class ComputePoolTest {
    @Test
    void shouldRunEveryPartOnceForManyJobs() {
        try (ComputePool pool = new ComputePool(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(12);
            for (int j = 0; j < 2000; j++) {
                pool.run((part, parts, thread) -> {
                    assertEquals(12, parts);
                    hits.incrementAndGet(part);
                });
            }
            for (int p = 0; p < 12; p++) {
                assertEquals(2000, hits.get(p), "part " + p);
            }
        }
    }

    @Test
    void shouldGiveEachThreadItsOwnIndex() {
        try (ComputePool pool = new ComputePool(2)) {
            java.util.concurrent.atomic.AtomicInteger bad = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicReferenceArray<Thread> owner = new java.util.concurrent.atomic.AtomicReferenceArray<>(2);
            for (int j = 0; j < 500; j++) {
                pool.run((part, parts, thread) -> {
                    Thread prev = owner.compareAndExchange(thread, null, Thread.currentThread());
                    if (prev != null && prev != Thread.currentThread()) {
                        bad.incrementAndGet();
                    }
                });
            }
            assertEquals(0, bad.get(), "a thread index was shared by two threads");
        }
    }

    @Test
    void shouldRethrowAWorkerFailureToTheCaller() {
        try (ComputePool pool = new ComputePool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((part, parts, thread) -> {
                if (part == 1) {
                    throw new IllegalStateException("boom in part 1");
                }
            }));
            assertEquals("boom in part 1", e.getMessage());
            int[] ran = new int[1];
            pool.run((part, parts, thread) -> {
                if (part == 0) {
                    ran[0]++;
                }
            }, 2);
            assertEquals(1, ran[0]);
        }
    }

    @Test
    void splitShouldCoverTheRangeWithAlignedStarts() {
        int total = 1001;
        int prevEnd = 0;
        for (int p = 0; p < 3; p++) {
            int s = ComputePool.split(total, 3, p, 4);
            int e = ComputePool.split(total, 3, p + 1, 4);
            assertEquals(prevEnd, s);
            assertEquals(0, s % 4);
            prevEnd = e;
        }
        assertEquals(total, prevEnd);
    }
}
