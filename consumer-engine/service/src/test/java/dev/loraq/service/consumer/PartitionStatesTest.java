package dev.loraq.service.consumer;

import static dev.loraq.service.consumer.ConsumerFixture.P0;
import static dev.loraq.service.consumer.ConsumerFixture.P1;
import static dev.loraq.service.consumer.ConsumerFixture.offset;
import static dev.loraq.service.consumer.ConsumerFixture.requestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The rebalance rules on Kafka's MockConsumer: assignment, revocation and loss of partitions with work in flight. */
class PartitionStatesTest {

    @Test
    void assignedPartitionStartsFromItsCommittedOffsetAndSkipsWhatItsMetadataNamesCompleted() {
        ConsumerFixture fixture = new ConsumerFixture(1000);
        fixture.committedInKafka(P0, 5, 7L, 8L);

        fixture.assign(P0, P1);

        assertTrue(fixture.states.hasJoined());
        PartitionState p0 = fixture.states.get(P0);
        assertEquals(5, p0.commitOffset());
        for (long o = 0; o < 10; o++) {
            assertEquals(o < 5 || o == 7 || o == 8, p0.isCompleted(o), "offset " + o);
        }
        PartitionState p1 = fixture.states.get(P1);
        assertEquals(0, p1.commitOffset(), "nothing committed: from the consumer's position");
        assertFalse(p1.isCompleted(0));
        assertFalse(p0.hasUncommittedProgress() || p1.hasUncommittedProgress(), "an assignment alone commits nothing");
    }

    @Test
    void outOfOrderCompletionsCommitTheLowestOffsetInFlightWithTheCompletedOnesAboveInItsMetadata() {
        ConsumerFixture fixture = new ConsumerFixture(1000);
        fixture.committedInKafka(P0, 10);
        fixture.assign(P0);
        InFlight[] work = new InFlight[5];
        for (int o = 0; o < 5; o++) {
            work[o] = fixture.submit(P0, 10 + o);
        }
        fixture.complete(work[3], "13");
        fixture.complete(work[1], "11");
        assertTrue(fixture.commit());
        fixture.complete(work[0], "10");
        assertTrue(fixture.commit());
        fixture.complete(work[4], "14");
        fixture.complete(work[2], "12");
        assertTrue(fixture.commit());

        assertEquals(List.of(Map.of(P0, offset(10, 11L, 13L)), Map.of(P0, offset(12, 13L)), Map.of(P0, offset(15))),
                fixture.committedOffsets());
    }

    @Test
    void revokedPartitionsWorkGetsTheRevocationTimeoutThenWhatFinishedIsCommittedAndTheRestCancelled() {
        ConsumerFixture fixture = new ConsumerFixture(200);
        fixture.assign(P0, P1);
        InFlight p0o0 = fixture.submit(P0, 0);
        InFlight p0o1 = fixture.submit(P0, 1);
        InFlight p0o2 = fixture.submit(P0, 2);
        InFlight p1o0 = fixture.submit(P1, 0);
        fixture.complete(p0o1, "one");
        // While the revocation waits, offset 0 finishes; offset 2 does not within the timeout.
        fixture.arrivingResults.add(() -> fixture.complete(p0o0, "zero"));

        long start = System.nanoTime();
        fixture.assign(P1);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(waitedMs >= 150, "the revocation gave up after " + waitedMs + " ms, before revocation.timeout.ms");
        assertEquals(List.of(requestId(P0, 1), requestId(P0, 0)), fixture.committedIds(), "finished work committed while owned");
        assertEquals(List.of(Map.of(P0, offset(2))), fixture.committedOffsets(), "the new owner starts at the unfinished 2");
        assertEquals(List.of(p0o2.engineId()), fixture.engine.cancelled, "only the revoked partition's unfinished work is cancelled");
        assertEquals(1.0, fixture.metrics.count("loraq.requests.cancelled", "reason", "revocation"));
        assertNull(fixture.states.get(P0));
        assertTrue(fixture.states.get(P1).isCurrent(p1o0), "the partition kept goes on");
    }

    @Test
    void revocationWhoseCommitFailsLeavesItsFinishedWorkUncommittedForTheNextOwner() {
        ConsumerFixture fixture = new ConsumerFixture(0);
        fixture.assign(P0, P1);
        fixture.complete(fixture.submit(P0, 0), "zero");
        fixture.complete(fixture.submit(P1, 0), "zero");
        fixture.clients.lastProducer().commitTransactionException = new TimeoutException("the coordinator moved");

        fixture.assign(P1);

        assertNull(fixture.states.get(P0));
        assertEquals(1.0, fixture.metrics.count("loraq.results.discarded"), "P0's output is not ours to send any more");
        fixture.clients.lastProducer().commitTransactionException = null;
        assertTrue(fixture.commit());
        assertEquals(List.of(requestId(P1, 0)), fixture.committedIds());
        assertEquals(List.of(Map.of(P1, offset(1))), fixture.committedOffsets());
    }

    @Test
    void lostPartitionsCommitNothingAndTheirWorkIsCancelled() {
        ConsumerFixture fixture = new ConsumerFixture(1000);
        fixture.assign(P0, P1);
        fixture.complete(fixture.submit(P0, 0), "zero");
        InFlight p0o1 = fixture.submit(P0, 1);
        fixture.complete(fixture.submit(P1, 0), "zero");

        fixture.clients.consumer.losePartitions(List.of(P0));

        assertNull(fixture.states.get(P0));
        assertEquals(List.of(p0o1.engineId()), fixture.engine.cancelled);
        assertEquals(1.0, fixture.metrics.count("loraq.requests.cancelled", "reason", "lost"));
        assertEquals(1.0, fixture.metrics.count("loraq.results.discarded"));
        assertTrue(fixture.committedOffsets().isEmpty(), "no commit on loss");
        assertTrue(fixture.commit());
        assertEquals(List.of(requestId(P1, 0)), fixture.committedIds());
        assertEquals(List.of(Map.of(P1, offset(1))), fixture.committedOffsets());
    }

    @Test
    void abandoningAtShutdownCancelsAllWorkAndLeavesItsOffsetsUncommitted() {
        ConsumerFixture fixture = new ConsumerFixture(1000);
        fixture.assign(P0, P1);
        InFlight p0o0 = fixture.submit(P0, 0);
        InFlight p1o0 = fixture.submit(P1, 0);
        fixture.complete(fixture.submit(P1, 1), "one");

        assertEquals(2, fixture.states.abandonAll());

        assertEquals(List.of(p0o0.engineId(), p1o0.engineId()), fixture.engine.cancelled.stream().sorted().toList());
        assertEquals(0, fixture.states.inEngine());
        assertTrue(fixture.commit());
        assertEquals(List.of(Map.of(P1, offset(0, 1L))), fixture.committedOffsets(), "abandoned offsets stay below the commit");
    }
}
