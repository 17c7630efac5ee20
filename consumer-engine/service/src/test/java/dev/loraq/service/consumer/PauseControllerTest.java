package dev.loraq.service.consumer;

import static dev.loraq.service.consumer.ConsumerFixture.P0;
import static dev.loraq.service.consumer.ConsumerFixture.P1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Flow control on Kafka's MockConsumer: which partitions are paused, for which reason, and when they resume. */
class PauseControllerTest {

    private final ConsumerFixture fixture = new ConsumerFixture(1000);

    @Test
    void allPartitionsPauseAtMaxQueuedRecordsAndResumeOnceHalfHasDrained() {
        PauseController pauses = new PauseController(4, 3584, fixture.metrics, "w1");
        fixture.assign(P0, P1);
        List<InFlight> work = new ArrayList<>();
        for (int o = 0; o < 3; o++) {
            work.add(fixture.submit(P0, o));
        }
        pauses.update(fixture.clients.consumer, fixture.states, false);
        assertEquals(Set.of(), fixture.clients.consumer.paused());

        work.add(fixture.submit(P1, 0));
        pauses.update(fixture.clients.consumer, fixture.states, false);
        assertEquals(Set.of(P0, P1), fixture.clients.consumer.paused());
        assertEquals(2, fixture.metrics.pausedNow("backpressure"));

        // A finished output still counts until it is committed; resumed at 2 queued, half of 4.
        fixture.complete(work.get(0), "done");
        pauses.update(fixture.clients.consumer, fixture.states, false);
        assertEquals(Set.of(P0, P1), fixture.clients.consumer.paused());
        fixture.commit();
        fixture.complete(work.get(1), "done");
        fixture.commit();
        pauses.update(fixture.clients.consumer, fixture.states, false);
        assertEquals(Set.of(), fixture.clients.consumer.paused());
        assertEquals(0, fixture.metrics.pausedNow("backpressure"));
    }

    @Test
    void registryRetryPausesOnlyItsPartitionUntilItsTimeHasCome() throws InterruptedException {
        PauseController pauses = new PauseController(100, 3584, fixture.metrics, "w1");
        fixture.assign(P0, P1);
        fixture.states.get(P0).retryAfter(System.nanoTime() + 100_000_000L);

        pauses.update(fixture.clients.consumer, fixture.states, false);
        assertEquals(Set.of(P0), fixture.clients.consumer.paused());
        assertEquals(1, fixture.metrics.pausedNow("registry_retry"));

        Thread.sleep(150);
        pauses.update(fixture.clients.consumer, fixture.states, false);
        assertEquals(Set.of(), fixture.clients.consumer.paused());
        assertEquals(0, fixture.metrics.pausedNow("registry_retry"));
    }

    @Test
    void stoppingPausesEveryPartitionForShutdownBeforeAnyOtherReason() {
        PauseController pauses = new PauseController(1, 3584, fixture.metrics, "w1");
        fixture.assign(P0, P1);
        fixture.submit(P0, 0);
        fixture.states.get(P1).retryAfter(System.nanoTime() + 60_000_000_000L);

        pauses.update(fixture.clients.consumer, fixture.states, true);

        assertEquals(Set.of(P0, P1), fixture.clients.consumer.paused());
        assertEquals(2, fixture.metrics.pausedNow("shutdown"));
        assertEquals(0, fixture.metrics.pausedNow("backpressure") + fixture.metrics.pausedNow("registry_retry"));
        assertEquals(2.0, fixture.metrics.count("loraq.partition.pauses", "reason", "shutdown"));
    }
}
