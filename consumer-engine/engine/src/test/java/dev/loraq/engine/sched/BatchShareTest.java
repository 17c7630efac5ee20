package dev.loraq.engine.sched;

import dev.loraq.engine.generation.RequestClass;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchShareTest {

    @Test
    void shouldReserveTheCeilingOfTheShareOfTheRunningBatch() {
        assertEquals(8, new BatchShare(0.25, 32).reservedSequences());
        assertEquals(1, new BatchShare(0.25, 2).reservedSequences(), "any positive share keeps at least one sequence");
        assertEquals(0, new BatchShare(0, 32).reservedSequences());
        assertEquals(32, new BatchShare(1, 32).reservedSequences());
    }

    @Test
    void shouldAskBatchFirstOnlyWhileItWaitsBelowItsShare() {
        BatchShare share = new BatchShare(0.25, 16);
        assertEquals(RequestClass.BATCH, share.first(3, true));
        assertEquals(RequestClass.INTERACTIVE, share.first(4, true), "at its share batch work waits behind interactive");
        assertEquals(RequestClass.INTERACTIVE, share.first(0, false), "nothing to reserve for when no batch work waits");
        assertEquals(RequestClass.INTERACTIVE, new BatchShare(0, 16).first(0, true), "share 0 is strict priority");
    }

    @Test
    void shouldRefuseAShareOutsideZeroToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchShare(1.5, 4));
        assertEquals("batch share must be in [0, 1], got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchShare(Double.NaN, 4));
    }

    @Test
    void shouldKeepHeadroomForInteractiveRequestsOnlyWhileTheyArrive() {
        long window = 1_000;
        BatchShare share = new BatchShare(0.25, 0.125, window, 32);
        assertTrue(share.batchMayTake(31, 0), "no interactive traffic yet: batch work may use every sequence");
        share.interactiveArrived(100);
        assertTrue(share.batchMayTake(27, 200), "27 < 32 - 4");
        assertFalse(share.batchMayTake(28, 200), "4 sequences (ceil 0.125 x 32) stay free for interactive requests");
        assertTrue(share.batchMayTake(28, 100 + window + 1), "the headroom ends a window after the last interactive request");
    }

    @Test
    void shouldNeverLetTheHeadroomCutIntoTheBatchFloor() {
        BatchShare share = new BatchShare(0.5, 1.0, 1_000, 8);
        share.interactiveArrived(0);
        assertTrue(share.batchMayTake(3, 0), "below the floor of 4");
        assertFalse(share.batchMayTake(4, 0), "at the floor, with every other sequence kept for interactive requests");
    }
}
