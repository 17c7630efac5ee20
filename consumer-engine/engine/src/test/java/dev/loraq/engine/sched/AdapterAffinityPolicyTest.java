package dev.loraq.engine.sched;

import dev.loraq.engine.delivery.RequestDelivery;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.TestModels;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.backend.EveryBackend;
import dev.loraq.engine.cache.AdapterCache;
import dev.loraq.engine.lora.LocalFolderAdapterSource;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.sample.Sampler;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.StreamingDecoder;
import dev.loraq.engine.text.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@EveryBackend
class AdapterAffinityPolicyTest {

    private static LlamaModel model;
    private static Tokenizer tokenizer;
    private final ComputeBackendProvider provider;
    private ComputeBackend backend;
    private AdapterCache cache;
    private WaitingQueues waiting;
    private long arrivals;

    AdapterAffinityPolicyTest(ComputeBackendProvider provider) {
        this.provider = provider;
    }

    @BeforeAll
    static void openModel() throws IOException {
        model = LlamaModel.load(TestModels.tinyModel());
        tokenizer = Tokenizer.load(TestModels.tinyModel().resolve("tokenizer.json"));
    }

    @AfterAll
    static void closeModel() {
        tokenizer.close();
        model.close();
    }

    @BeforeEach
    void setUp() {
        backend = provider.open(model, new BackendOptions(2, 16, 64, 16, 32, WeightFormat.BF16, 1));
        cache = new AdapterCache(new LocalFolderAdapterSource(TestModels.adaptersDir()), backend, 4, 16);
        waiting = new WaitingQueues();
    }

    @AfterEach
    void tearDown() {
        cache.close();
        backend.close();
    }

    private Sequence enqueue(String adapter, int priority) {
        SamplingParams p = SamplingParams.greedy(2);
        GenerationRequest r = new GenerationRequest("r" + arrivals, adapter, null, null, new int[] {1, 2}, p, priority);
        Sequence s = new Sequence(r, new RequestDelivery(r.requestId(), null, new CompletableFuture<>(), Runnable::run), arrivals++, new int[] {1, 2}, 2,
                new Sampler(p, 512), new StreamingDecoder(tokenizer), new int[0]);
        waiting.add(s);
        return s;
    }

    @Test
    void shouldPreferAWarmAdapterOverAnOlderColdOne() {
        cache.release(cache.acquireBlocking("a-01").slot());
        enqueue("a-00", 0);
        enqueue("a-01", 0);
        AdapterAffinityPolicy policy = new AdapterAffinityPolicy(TimeUnit.SECONDS.toNanos(60));
        assertEquals("a-01", policy.nextAdapter(waiting, cache, Set.of(), System.nanoTime()));
        assertEquals("a-00", new FifoPolicy().nextAdapter(waiting, cache, Set.of(), System.nanoTime()),
                "FIFO takes the oldest whatever its adapter");
    }

    @Test
    void shouldPreferHostMemoryOverDisk() {
        cache.release(cache.acquireBlocking("a-02").slot());
        cache.release(cache.acquireBlocking("a-03").slot());
        cache.release(cache.acquireBlocking("a-04").slot()); // evicts a-02 from its slot; it stays in host memory
        enqueue("a-00", 0);
        enqueue("a-02", 0);
        AdapterAffinityPolicy policy = new AdapterAffinityPolicy(TimeUnit.SECONDS.toNanos(60));
        assertEquals(AdapterCache.Residency.HOST, cache.residency("a-02"));
        assertEquals("a-02", policy.nextAdapter(waiting, cache, Set.of(), System.nanoTime()));
    }

    @Test
    void shouldAdmitAnOverdueRequestBeforeWarmOnes() throws InterruptedException {
        cache.release(cache.acquireBlocking("a-01").slot());
        enqueue("a-00", 0);
        enqueue("a-01", 0);
        AdapterAffinityPolicy policy = new AdapterAffinityPolicy(TimeUnit.MILLISECONDS.toNanos(100));
        Thread.sleep(150);
        // Both are overdue now: the warm one costs no load, so it still goes first...
        assertEquals("a-01", policy.nextAdapter(waiting, cache, Set.of(), System.nanoTime()));
        waiting.poll("a-01");
        enqueue("a-01", 0); // ...but a fresh warm request never overtakes an overdue cold one.
        assertEquals("a-00", policy.nextAdapter(waiting, cache, Set.of(), System.nanoTime()));
    }

    @Test
    void shouldHonourPriorityWithinATier() {
        enqueue("a-00", 0);
        enqueue("a-01", 5);
        AdapterAffinityPolicy policy = new AdapterAffinityPolicy(TimeUnit.SECONDS.toNanos(60));
        assertEquals("a-01", policy.nextAdapter(waiting, cache, Set.of(), System.nanoTime()));
    }

    @Test
    void shouldSkipExcludedAdaptersAndReturnNullWhenNoneLeft() {
        enqueue("a-00", 0);
        AdapterAffinityPolicy policy = new AdapterAffinityPolicy(TimeUnit.SECONDS.toNanos(60));
        assertNull(policy.nextAdapter(waiting, cache, Set.of("a-00"), System.nanoTime()));
    }

    @Test
    void shouldPrefetchTheMostWaitedForAbsentAdapters() {
        enqueue("a-00", 0);
        enqueue("a-01", 0);
        enqueue("a-01", 0);
        enqueue(null, 0);
        AdapterAffinityPolicy policy = new AdapterAffinityPolicy(TimeUnit.SECONDS.toNanos(60));
        assertEquals(List.of("a-01", "a-00"), policy.prefetch(waiting, cache, 5));
        assertEquals(List.of("a-01"), policy.prefetch(waiting, cache, 1));
    }
}
