package dev.loraq.service.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionStateTest {

    private static final TopicPartition TP = new TopicPartition("loraq.prompts", 0);

    @Test
    void shouldCommitLowestIncompleteOffset() {
        PartitionState state = PartitionState.assigned(TP, null, 100);
        for (long o = 100; o < 105; o++) {
            state.started(o);
        }
        state.completed(101);
        state.completed(103);
        OffsetAndMetadata commit = state.toCommit();
        assertEquals(100, commit.offset());
        assertEquals(Set.of(101L, 103L), OffsetMetadataCodec.decode(100, commit.metadata()));
        state.completed(100);
        assertEquals(102, state.toCommit().offset());
    }

    @Test
    void shouldCommitNextOffsetWhenAllComplete() {
        PartitionState state = PartitionState.assigned(TP, null, 0);
        state.started(0);
        state.started(1);
        state.completed(1);
        state.completed(0);
        OffsetAndMetadata commit = state.toCommit();
        assertEquals(2, commit.offset());
        assertEquals("", commit.metadata());
    }

    @Test
    void shouldSkipCompletedOffsetsAfterReassignment() {
        PartitionState first = PartitionState.assigned(TP, null, 0);
        for (long o = 0; o < 10; o++) {
            first.started(o);
        }
        for (long o : new long[] {1, 2, 5, 9}) {
            first.completed(o);
        }
        OffsetAndMetadata committed = first.toCommit();

        PartitionState next = PartitionState.assigned(TP, committed, 0);
        assertEquals(0, next.commitOffset());
        for (long o = 0; o < 10; o++) {
            boolean done = o == 1 || o == 2 || o == 5 || o == 9;
            assertEquals(done, next.isCompleted(o), "offset " + o);
        }
        // The new owner redoes only the rest; then everything up to 10 commits.
        for (long o = 0; o < 10; o++) {
            if (next.isCompleted(o)) {
                next.read(o);
            } else {
                next.started(o);
            }
        }
        for (long o : new long[] {0, 3, 4, 6, 7, 8}) {
            next.completed(o);
        }
        assertEquals(new OffsetAndMetadata(10, ""), next.toCommit());
    }

    @Test
    void shouldKeepCompletedAboveCommitAcrossTwoReassignments() {
        PartitionState first = PartitionState.assigned(TP, null, 0);
        first.started(0);
        first.started(1);
        first.completed(1);
        PartitionState second = PartitionState.assigned(TP, first.toCommit(), 0);
        second.started(0);
        // Nothing new completed: the metadata still names offset 1.
        PartitionState third = PartitionState.assigned(TP, second.toCommit(), 0);
        assertTrue(third.isCompleted(1));
        assertFalse(third.isCompleted(0));
    }

    @Test
    void shouldReportProgressOnlyWhenCommitChanges() {
        PartitionState state = PartitionState.assigned(TP, new OffsetAndMetadata(5, ""), 5);
        assertFalse(state.hasUncommittedProgress());
        state.started(5);
        assertFalse(state.hasUncommittedProgress());
        state.completed(5);
        assertTrue(state.hasUncommittedProgress());
        state.markCommitted(state.toCommit());
        assertFalse(state.hasUncommittedProgress());
    }

    @Test
    void shouldFlagMetadataNearLimit() {
        PartitionState state = PartitionState.assigned(TP, null, 0);
        state.started(0);
        for (long o = 1; o < 20_000; o++) {
            state.started(o);
            if (o % 2 == 0) {
                state.completed(o);
            }
        }
        OffsetAndMetadata commit = state.toCommit();
        assertTrue(commit.metadata().length() > 1000, "length " + commit.metadata().length());
        assertTrue(state.metadataNearLimit(1000));
        assertFalse(state.metadataNearLimit(commit.metadata().length() + 1));
    }
}
