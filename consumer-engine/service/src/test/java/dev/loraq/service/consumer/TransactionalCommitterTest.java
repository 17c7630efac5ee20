package dev.loraq.service.consumer;

import static dev.loraq.service.consumer.ConsumerFixture.COMPLETIONS;
import static dev.loraq.service.consumer.ConsumerFixture.DLQ;
import static dev.loraq.service.consumer.ConsumerFixture.P0;
import static dev.loraq.service.consumer.ConsumerFixture.P1;
import static dev.loraq.service.consumer.ConsumerFixture.offset;
import static dev.loraq.service.consumer.ConsumerFixture.requestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The commit rule on Kafka's MockConsumer and MockProducer: what one transaction holds, what a failed one leaves, and
 * what goes on while one runs on the committer thread.
 */
class TransactionalCommitterTest {

    private final ConsumerFixture fixture = new ConsumerFixture(1000);

    @Test
    void commitsCompletionsDeadLettersAndOffsetsWithTheirMetadataInOneTransaction() {
        fixture.assign(P0, P1);
        InFlight p0o0 = fixture.submit(P0, 0);
        InFlight p0o1 = fixture.submit(P0, 1);
        fixture.deadLetter(P0, 2);
        InFlight p1o0 = fixture.submit(P1, 0);
        fixture.complete(p0o1, "one");
        fixture.complete(p1o0, "zero");

        assertTrue(fixture.commit());

        BrokerLikeProducer producer = fixture.clients.lastProducer();
        assertEquals(1, producer.commitCount(), "one transaction");
        assertTrue(producer.uncommittedRecords().isEmpty());
        // In the order they finished.
        assertEquals(List.of("dlq:0@2", requestId(P0, 1), requestId(P1, 0)), fixture.committedIds());
        assertEquals(List.of(DLQ, COMPLETIONS, COMPLETIONS), producer.history().stream().map(r -> r.topic()).toList());
        // P0: 0 is still in flight, so the commit stays at 0 and names 1 and 2 as done; P1 is done up to 1.
        assertEquals(List.of(Map.of(P0, offset(0, 1L, 2L), P1, offset(1))), fixture.committedOffsets());
        Completion one = (Completion) fixture.committedOutputs().get(1);
        assertEquals("one", one.getText());
        assertEquals(CompletionStatus.OK, one.getStatus());
        assertEquals(1.0, fixture.metrics.count("loraq.transactions", "outcome", "committed"));
        assertEquals(3.0, fixture.metrics.count("loraq.records.out"));
        assertEquals(0, fixture.states.pendingOutputs(), "committed outputs are not sent again");
        assertFalse(fixture.committer.isFailing());

        // Nothing new: no transaction at all. Then the low offset completes and only the offsets move.
        assertTrue(fixture.commit());
        assertEquals(1, producer.commitCount());
        fixture.complete(p0o0, "zero");
        assertTrue(fixture.commit());
        assertEquals(offset(3), fixture.committedOffsets().getLast().get(P0));
        assertFalse(fixture.committedOffsets().getLast().containsKey(P1), "P1 did not move");
    }

    @Test
    void failedCommitIsAbortedAndTheNextTransactionSendsItsOutputsAgain() {
        fixture.assign(P0);
        fixture.complete(fixture.submit(P0, 0), "zero");
        fixture.deadLetter(P0, 1);
        BrokerLikeProducer producer = fixture.clients.lastProducer();
        producer.commitTransactionException = new TimeoutException("the coordinator did not answer");

        assertFalse(fixture.commit());

        assertTrue(producer.transactionAborted());
        assertTrue(producer.history().isEmpty(), "nothing of the failed transaction is visible");
        assertTrue(fixture.committedOffsets().isEmpty());
        assertTrue(fixture.committer.isFailing());
        assertEquals(1.0, fixture.metrics.count("loraq.transactions", "outcome", "aborted"));
        assertEquals(2, fixture.states.pendingOutputs(), "its outputs stay pending");
        assertTrue(fixture.engine.cancelled.isEmpty(), "finished work is not thrown away");

        producer.commitTransactionException = null;
        assertTrue(fixture.commit());

        assertEquals(1, fixture.clients.producers.size(), "the same producer goes on");
        assertEquals(List.of(requestId(P0, 0), "dlq:0@1"), fixture.committedIds());
        assertEquals(List.of(Map.of(P0, offset(2))), fixture.committedOffsets());
        assertFalse(fixture.committer.isFailing());
    }

    @Test
    void fencedProducerRewindsEveryPartitionToItsCommittedOffsetAndMetadataAndCancelsItsWork() {
        fixture.committedInKafka(P0, 2, 4L);
        fixture.assign(P0, P1);
        InFlight p0o2 = fixture.submit(P0, 2);
        InFlight p0o3 = fixture.submit(P0, 3);
        InFlight p0o5 = fixture.submit(P0, 5);
        InFlight p1o0 = fixture.submit(P1, 0);
        fixture.complete(p0o3, "three");
        fixture.clients.consumer.seek(P0, 6);
        fixture.clients.lastProducer().fenceProducer();

        assertFalse(fixture.commit());

        assertTrue(fixture.committedOutputs().isEmpty());
        assertEquals(List.of(p0o2.engineId(), p0o5.engineId(), p1o0.engineId()), fixture.engine.cancelled.stream().sorted().toList());
        assertEquals(1.0, fixture.metrics.count("loraq.results.discarded"), "the finished output of offset 3 is redone");
        assertEquals(3.0, fixture.metrics.count("loraq.requests.cancelled", "reason", "rewind"));
        assertEquals(2, fixture.clients.consumer.position(P0), "P0 is read again from its committed offset");
        assertEquals(0, fixture.clients.consumer.position(P1), "P1 had nothing committed: from the beginning");
        PartitionState p0 = fixture.states.get(P0);
        assertEquals(0, p0.workCount());
        assertEquals(0, p0.outputs().size());
        assertTrue(p0.isCompleted(4), "the committed metadata still says 4 is done, so it never repeats");
        assertFalse(p0.isCompleted(3), "3 was not committed: redone");
        assertFalse(p0.isCurrent(p0o3), "a late result of the old attempt is dropped");

        // Read again from 2; the next commit makes a new producer (its initTransactions fences the old one for good).
        fixture.submit(P0, 2);
        fixture.complete(fixture.submit(P0, 3), "three again");
        assertTrue(fixture.commit());
        assertEquals(2, fixture.clients.producers.size());
        assertEquals(List.of(requestId(P0, 3)), fixture.committedIds());
        assertEquals(offset(2, 3L, 4L), fixture.committedOffsets().getLast().get(P0));
    }

    @Test
    void failedAbortRewindsOnlyOnceANewProducerHasSettledTheTransaction() {
        fixture.committedInKafka(P0, 1);
        fixture.assign(P0);
        fixture.complete(fixture.submit(P0, 1), "one");
        BrokerLikeProducer first = fixture.clients.lastProducer();
        first.commitTransactionException = new TimeoutException("commit timed out; it may still complete");
        first.abortTransactionException = new KafkaException("abort failed");
        assertFalse(fixture.commit());
        assertEquals(1, fixture.states.pendingOutputs(), "not rewound before the transaction's fate is known");

        // While the cluster cannot give a producer, commits wait and nothing is rewound.
        fixture.clients.initFailures.add(new TimeoutException("no coordinator"));
        assertFalse(fixture.commit());
        assertEquals(1, fixture.states.pendingOutputs());
        assertTrue(fixture.committer.isFailing());

        fixture.clients.consumer.seek(P0, 2);
        assertTrue(fixture.commit());
        assertEquals(3, fixture.clients.producers.size());
        assertEquals(1, fixture.clients.consumer.position(P0), "rewound to the committed offset");
        assertEquals(0, fixture.states.pendingOutputs(), "the unknown transaction's output is redone, not resent");
        assertEquals(1.0, fixture.metrics.count("loraq.results.discarded"));
        assertTrue(fixture.committedOutputs().isEmpty());
    }

    @Test
    void outputRefusedAsTooLargeIsReplacedByAStandInInTheNextTransaction() {
        ConsumerFixture small = new ConsumerFixture(1000, 600);
        small.assign(P0);
        small.complete(small.submit(P0, 0), "x".repeat(2000));
        small.complete(small.submit(P0, 1), "fits");

        assertFalse(small.commit(), "the broker refuses the record, so the transaction aborts");
        assertTrue(small.committedOutputs().isEmpty());

        assertTrue(small.commit());
        List<SpecificRecord> outputs = small.committedOutputs();
        Completion standIn = (Completion) outputs.get(0);
        assertEquals(requestId(P0, 0), standIn.getRequestId());
        assertEquals(CompletionStatus.ERROR, standIn.getStatus());
        assertEquals("output_too_large", standIn.getError().getCode());
        assertEquals("fits", ((Completion) outputs.get(1)).getText(), "the other output is sent as it was");
        assertEquals(List.of(Map.of(P0, offset(2))), small.committedOffsets());
    }

    @Test
    void completionForAMissingTenantTopicBecomesADeadLetterWithTheOriginalRecord() {
        fixture.missingTopics.add(COMPLETIONS);
        fixture.assign(P0);
        InFlight inFlight = fixture.submit(P0, 0);
        fixture.complete(inFlight, "zero");

        assertTrue(fixture.commit());

        DeadLetter letter = assertInstanceOf(DeadLetter.class, fixture.committedOutputs().getFirst());
        assertEquals("output_topic_missing", letter.getErrorCode());
        assertEquals(0L, letter.getSourceOffset());
        assertEquals(ByteBuffer.wrap(inFlight.record().value()), letter.getValue(), "the original value, to replay");
        assertEquals(DLQ, fixture.clients.lastProducer().history().getFirst().topic());
        assertTrue(letter.getErrorMessage().contains(COMPLETIONS), letter.getErrorMessage());
    }

    @Test
    void recordsFinishedWhileABackgroundTransactionRunsWaitForTheNextOne() throws InterruptedException {
        fixture.assign(P0);
        fixture.complete(fixture.submit(P0, 0), "zero");
        InFlight p0o1 = fixture.submit(P0, 1);
        CountDownLatch release = fixture.commitHeldInBackground();
        // The consumer thread goes on while the broker commits.
        fixture.complete(p0o1, "one");
        fixture.deadLetter(P0, 2);
        fixture.committer.takeOutcome(fixture.states);
        assertTrue(fixture.committer.isRunning(), "its commit is still held");
        assertEquals(3, fixture.states.pendingOutputs(), "the running transaction's output still counts as queued");
        release.countDown();
        fixture.awaitOutcome();

        assertEquals(List.of(requestId(P0, 0)), fixture.committedIds(), "only what had finished when it began");
        assertEquals(List.of(Map.of(P0, offset(1))), fixture.committedOffsets(), "1 was in flight when it began");
        assertEquals(2, fixture.states.pendingOutputs());
        assertTrue(fixture.commit());
        assertEquals(List.of(requestId(P0, 0), requestId(P0, 1), "dlq:0@2"), fixture.committedIds());
        assertEquals(offset(3), fixture.committedOffsets().getLast().get(P0));
        assertFalse(fixture.committer.isFailing());
    }

    @Test
    void abortedBackgroundTransactionSendsItsOutputsAgainBeforeThoseFinishedWhileItRan() throws InterruptedException {
        fixture.assign(P0);
        fixture.complete(fixture.submit(P0, 0), "zero");
        InFlight p0o1 = fixture.submit(P0, 1);
        BrokerLikeProducer producer = fixture.clients.lastProducer();
        producer.commitTransactionException = new TimeoutException("the coordinator did not answer");

        CountDownLatch release = fixture.commitHeldInBackground();
        fixture.complete(p0o1, "one");
        release.countDown();
        fixture.awaitOutcome();

        assertTrue(fixture.committer.isFailing());
        assertTrue(producer.transactionAborted());
        assertEquals(2, fixture.states.pendingOutputs());
        producer.commitTransactionException = null;
        assertTrue(fixture.commit());
        assertEquals(List.of(requestId(P0, 0), requestId(P0, 1)), fixture.committedIds(), "in the order they finished");
        assertEquals(List.of(Map.of(P0, offset(2))), fixture.committedOffsets());
    }

    @Test
    void revocationWaitsForTheRunningTransactionThenCommitsWhatFinishedSinceWhileThePartitionIsOwned() throws InterruptedException {
        fixture.assign(P0, P1);
        fixture.complete(fixture.submit(P0, 0), "zero");
        InFlight p0o1 = fixture.submit(P0, 1);
        CountDownLatch release = fixture.commitHeldInBackground();
        fixture.complete(p0o1, "one");
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(release::countDown);

        fixture.assign(P1);

        assertFalse(fixture.committer.isRunning());
        assertEquals(List.of(requestId(P0, 0), requestId(P0, 1)), fixture.committedIds(), "both committed before P0 was given up");
        assertEquals(List.of(Map.of(P0, offset(1)), Map.of(P0, offset(2))), fixture.committedOffsets());
        assertNull(fixture.states.get(P0));
        assertEquals(0.0, fixture.metrics.count("loraq.results.discarded"));
    }

    @Test
    void partitionLostWhileItsTransactionRunsIsLeftAloneByTheOutcome() throws InterruptedException {
        fixture.assign(P0);
        fixture.complete(fixture.submit(P0, 0), "zero");
        BrokerLikeProducer producer = fixture.clients.lastProducer();
        producer.commitTransactionException = new TimeoutException("the coordinator did not answer");
        CountDownLatch release = fixture.commitHeldInBackground();

        fixture.clients.consumer.losePartitions(List.of(P0));
        fixture.assign(P0);
        release.countDown();
        fixture.awaitOutcome();

        assertEquals(0, fixture.states.pendingOutputs(), "the aborted output belonged to the lost ownership: not returned to the new one");
        assertEquals(0, fixture.states.get(P0).commitOffset(), "the new ownership starts from what is committed");
    }
}
