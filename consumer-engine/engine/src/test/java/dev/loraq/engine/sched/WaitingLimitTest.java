package dev.loraq.engine.sched;

import dev.loraq.engine.delivery.RequestDelivery;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.sample.Sampler;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.StreamingDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitingLimitTest {

    private static long arrivals;

    private static Sequence sequence(String id) {
        SamplingParams p = SamplingParams.greedy(2);
        GenerationRequest r = GenerationRequest.ofTokens(id, null, new int[] {1, 2}, p);
        // The decoder is never asked to decode here, so it needs no tokenizer.
        return new Sequence(r, new RequestDelivery(id, null, new CompletableFuture<>(), Runnable::run), arrivals++,
                new int[] {1, 2}, 2, new Sampler(p, 512), new StreamingDecoder(null), new int[0]);
    }

    @Test
    void shouldRefuseOncePlacesAreTakenAndAdmitAgainWhenOneIsGivenBack() {
        WaitingLimit limit = new WaitingLimit(2);
        Sequence a = sequence("a");
        Sequence b = sequence("b");
        assertTrue(limit.tryTake(a));
        assertTrue(limit.tryTake(b));
        assertFalse(limit.tryTake(sequence("c")));
        assertEquals(2, limit.taken());
        limit.giveBack(a);
        assertTrue(limit.tryTake(sequence("d")), "a freed place admits again");
        assertFalse(limit.tryTake(sequence("e")));
    }

    @Test
    void shouldGiveEachPlaceBackOnlyOnce() {
        WaitingLimit limit = new WaitingLimit(2);
        Sequence a = sequence("a");
        limit.tryTake(a);
        limit.tryTake(sequence("b"));
        limit.giveBack(a);
        limit.giveBack(a);
        limit.giveBack("a");
        assertEquals(1, limit.taken(), "a place given back twice (admitted, then cancelled) counts once");
    }

    @Test
    void shouldGiveBackTheLatestPlaceOfARequestIdOnCancel() {
        WaitingLimit limit = new WaitingLimit(3);
        Sequence first = sequence("same");
        Sequence again = sequence("same");
        limit.tryTake(first);
        limit.tryTake(again);
        limit.giveBack("same");
        assertEquals(1, limit.taken());
        limit.giveBack(again);
        assertEquals(1, limit.taken(), "the latest one was given back already");
        limit.giveBack(first);
        assertEquals(0, limit.taken());
        limit.giveBack("unknown");
        assertEquals(0, limit.taken());
    }

    @Test
    void shouldAdmitExactlyTheBoundWhenManyThreadsSubmitAtOnce() throws InterruptedException {
        int bound = 500;
        WaitingLimit limit = new WaitingLimit(bound);
        List<List<Sequence>> admitted = new ArrayList<>();
        List<Runnable> takers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            List<Sequence> mine = new ArrayList<>();
            admitted.add(mine);
            String prefix = "t" + t + "-";
            takers.add(() -> {
                for (int i = 0; i < 200; i++) {
                    Sequence s = sequence(prefix + i);
                    if (limit.tryTake(s)) {
                        mine.add(s);
                    }
                }
            });
        }
        runTogether(takers);
        assertEquals(bound, admitted.stream().mapToInt(List::size).sum(), "1,600 tries for 500 places");
        assertEquals(bound, limit.taken());

        List<Runnable> givers = new ArrayList<>();
        for (List<Sequence> mine : admitted) {
            // Each place given back twice at once, as when an admission and a cancel meet.
            givers.add(() -> mine.forEach(limit::giveBack));
            givers.add(() -> mine.forEach(s -> limit.giveBack(s.requestId())));
        }
        runTogether(givers);
        assertEquals(0, limit.taken());
    }

    private static void runTogether(List<Runnable> tasks) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                task.run();
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void shouldRefuseABoundBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WaitingLimit(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
