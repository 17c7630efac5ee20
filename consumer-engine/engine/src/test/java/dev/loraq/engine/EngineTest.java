package dev.loraq.engine;

import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.backend.EveryBackendTest;
import dev.loraq.engine.config.ConfigException;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.sample.SamplingParams;
import dev.loraq.engine.text.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {

    private static Engine engine;

    @BeforeAll
    static void open() {
        engine = Engine.open(TestModels.config());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static final String[] ADAPTERS = {null, "a-00", "a-01", "a-02", "attn-only", "a-03", "a-04", "a-05"};

    private static GenerationRequest request(int i, SamplingParams sampling) {
        String prompt = "Request number " + i + " asks about " + "topic ".repeat(1 + i % 7);
        return GenerationRequest.ofPrompt("r" + i, ADAPTERS[i % ADAPTERS.length], prompt, sampling);
    }

    private static InvalidRequestException failure(CompletableFuture<GenerationResult> f) {
        CompletionException e = assertThrows(CompletionException.class, () -> f.orTimeout(60, TimeUnit.SECONDS).join());
        return assertInstanceOf(InvalidRequestException.class, e.getCause());
    }

    @EveryBackendTest
    void shouldGiveEachSequenceTheSameTokensInABatchAsAlone(ComputeBackendProvider provider) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // Half greedy, half sampled with a per-request seed.
            SamplingParams s = i % 2 == 0 ? SamplingParams.greedy(6 + i % 5)
                    : new SamplingParams(6 + i % 5, 0.9, 40, 0.95, 1000L + i, List.of(), List.of());
            requests.add(request(i, s));
        }
        try (Engine onBackend = Engine.open(TestModels.config(EngineConfig.BACKEND, provider.type().configValue()))) {
            List<GenerationResult> alone = new ArrayList<>();
            for (GenerationRequest r : requests) {
                alone.add(onBackend.submit(r).join());
            }
            List<CompletableFuture<GenerationResult>> together = new ArrayList<>();
            for (GenerationRequest r : requests) {
                together.add(onBackend.submit(r));
            }
            for (int i = 0; i < requests.size(); i++) {
                GenerationResult a = alone.get(i);
                GenerationResult b = together.get(i).join();
                assertArrayEquals(a.tokenIds(), b.tokenIds(), "tokens of request " + i + " (adapter " + ADAPTERS[i % ADAPTERS.length] + ")");
                assertEquals(a.text(), b.text());
                assertEquals(a.finishReason(), b.finishReason());
            }
            assertTrue(onBackend.stats().scheduler().meanBatchSize() > 1.0, "requests were batched together");
        }
    }

    @Test
    void shouldRefuseABackendWhoseModuleIsMissingAtStart() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Engine.open(TestModels.config(EngineConfig.BACKEND, "cuda")));
        assertEquals(EngineConfig.BACKEND, e.key());
        assertTrue(e.getMessage().contains("consumer-engine/engine-cuda") && e.getMessage().contains("loraq-engine-cuda-")
                && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void shouldMakeAdaptersChangeTheOutput() {
        SamplingParams greedy = SamplingParams.greedy(8);
        int[] base = engine.submit(GenerationRequest.ofPrompt("base", null, "The same prompt", greedy)).join().tokenIds();
        int[] withA = engine.submit(GenerationRequest.ofPrompt("a", "a-02", "The same prompt", greedy)).join().tokenIds();
        int[] withB = engine.submit(GenerationRequest.ofPrompt("b", "a-05", "The same prompt", greedy)).join().tokenIds();
        assertFalse(Arrays.equals(base, withA));
        assertFalse(Arrays.equals(withA, withB));
    }

    @Test
    void shouldStopAtMaxTokensAndReportUsage() {
        GenerationResult r = engine.submit(GenerationRequest.ofTokens("t", "a-01", new int[] {1, 40, 41, 42},
                new SamplingParams(5, 0, 0, 1, null, List.of(), List.of()))).join();
        assertEquals(4, r.promptTokens());
        assertTrue(r.completionTokens() <= 5);
        if (r.finishReason() == FinishReason.LENGTH) {
            assertEquals(5, r.completionTokens());
        }
        assertEquals(r.completionTokens(), r.tokenIds().length);
    }

    @Test
    void shouldStopAtRequestedStopTokenWithoutEmittingIt() {
        GenerationRequest free = GenerationRequest.ofTokens("free", null, new int[] {1, 70, 71}, SamplingParams.greedy(6));
        int[] tokens = engine.submit(free).join().tokenIds();
        int stopAt = tokens[2];
        int firstIndex = 0;
        while (tokens[firstIndex] != stopAt) {
            firstIndex++;
        }
        GenerationResult r = engine.submit(GenerationRequest.ofTokens("stop", null, new int[] {1, 70, 71},
                new SamplingParams(6, 0, 0, 1, null, List.of(), List.of(stopAt)))).join();
        assertEquals(FinishReason.STOP, r.finishReason());
        assertArrayEquals(Arrays.copyOf(tokens, firstIndex), r.tokenIds());
    }

    @Test
    void shouldRenderChatMessagesWithTheTemplate() {
        GenerationResult r = engine.submit(GenerationRequest.ofMessages("chat", "a-00",
                List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hello?")),
                SamplingParams.greedy(4))).join();
        assertTrue(r.promptTokens() > 10, "template adds headers around the messages");
    }

    @Test
    void shouldRejectUnknownAdapter() {
        InvalidRequestException e = failure(engine.submit(GenerationRequest.ofPrompt("u", "no-such-adapter", "hi",
                SamplingParams.greedy(2))));
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code());
        assertTrue(e.getMessage().contains("no-such-adapter"), e.getMessage());
    }

    @Test
    void shouldRejectPathLikeAdapterIdBeforeTouchingFiles() {
        for (String bad : List.of("../a-00", "/etc/passwd", "a/b", "a\\b", "..")) {
            InvalidRequestException e = failure(engine.submit(GenerationRequest.ofPrompt("p", bad, "hi",
                    SamplingParams.greedy(2))));
            assertEquals(ErrorCode.INVALID_ADAPTER_ID, e.code(), bad);
        }
    }

    @Test
    void shouldRejectPromptTooLongForTheContext() {
        int[] prompt = new int[510];
        Arrays.fill(prompt, 50);
        InvalidRequestException e = failure(engine.submit(GenerationRequest.ofTokens("long", null, prompt,
                SamplingParams.greedy(10))));
        assertEquals(ErrorCode.PROMPT_TOO_LONG, e.code());
        assertTrue(e.getMessage().contains("520"), e.getMessage());
    }

    @Test
    void shouldRejectTokenIdsOutsideTheVocabulary() {
        InvalidRequestException e = failure(engine.submit(GenerationRequest.ofTokens("v", null, new int[] {1, 99999},
                SamplingParams.greedy(2))));
        assertEquals(ErrorCode.INVALID_PROMPT, e.code());
    }

    @Test
    void shouldFailOnlyTheRequestsOfABrokenAdapter() {
        List<CompletableFuture<GenerationResult>> good = new ArrayList<>();
        List<CompletableFuture<GenerationResult>> broken = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            broken.add(engine.submit(GenerationRequest.ofPrompt("w" + i, "wrong-shape", "hi", SamplingParams.greedy(3))));
            good.add(engine.submit(GenerationRequest.ofPrompt("g" + i, "a-0" + (i % 3), "hi", SamplingParams.greedy(3))));
        }
        broken.add(engine.submit(GenerationRequest.ofPrompt("rank", "big-rank", "hi", SamplingParams.greedy(3))));
        broken.add(engine.submit(GenerationRequest.ofPrompt("bin", "pickle-only", "hi", SamplingParams.greedy(3))));
        for (CompletableFuture<GenerationResult> f : good) {
            assertEquals(3, f.join().completionTokens() + (f.join().finishReason() == FinishReason.STOP ? 3 - f.join().completionTokens() : 0));
        }
        for (CompletableFuture<GenerationResult> f : broken) {
            InvalidRequestException e = failure(f);
            assertTrue(e.code() == ErrorCode.ADAPTER_LOAD_FAILED || e.code() == ErrorCode.UNSUPPORTED_ADAPTER_FORMAT,
                    e.code() + ": " + e.getMessage());
        }
        InvalidRequestException rank = failure(broken.get(6));
        assertTrue(rank.getMessage().contains("max.lora.rank"), rank.getMessage());
        InvalidRequestException shape = failure(broken.get(0));
        assertTrue(shape.getMessage().contains("wrong-shape"), shape.getMessage());
    }

    @Test
    void shouldSwapAdaptersThroughASingleSlotAndHostEntry() {
        try (Engine single = Engine.open(TestModels.config(EngineConfig.MAX_LORAS, 1, EngineConfig.MAX_CPU_LORAS, 1))) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                futures.add(single.submit(GenerationRequest.ofTokens("s" + i, "a-0" + (i % 3), new int[] {1, 9, 10},
                        SamplingParams.greedy(2))));
            }
            for (CompletableFuture<GenerationResult> f : futures) {
                assertNotEquals(FinishReason.CANCELLED, f.orTimeout(60, TimeUnit.SECONDS).join().finishReason());
            }
            assertTrue(single.stats().adapters().diskLoads() >= 3);
        }
    }

    @Test
    void shouldKeepPinnedAdaptersInTheirSlots() {
        try (Engine pinned = Engine.open(TestModels.config(EngineConfig.MAX_LORAS, 2, EngineConfig.PINNED_ADAPTERS, "a-05"))) {
            for (int i = 0; i < 6; i++) {
                pinned.submit(GenerationRequest.ofTokens("p" + i, "a-0" + (i % 4), new int[] {1, 9}, SamplingParams.greedy(2)))
                        .orTimeout(60, TimeUnit.SECONDS).join();
            }
            GenerationResult r = pinned.submit(GenerationRequest.ofTokens("pinned", "a-05", new int[] {1, 9},
                    SamplingParams.greedy(2))).orTimeout(60, TimeUnit.SECONDS).join();
            assertEquals(AdapterLoadKind.WARM, r.adapterLoad(), "four other adapters went through the one free slot");
        }
    }

    @Test
    void shouldCompleteCancelledRequestAsCancelled() {
        try (Engine small = Engine.open(TestModels.config(EngineConfig.MAX_NUM_SEQS, 1, EngineConfig.MAX_NUM_BATCHED_TOKENS, 16))) {
            CompletableFuture<GenerationResult> first = small.submit(GenerationRequest.ofTokens("first", null,
                    new int[] {1, 5, 6}, new SamplingParams(200, 0, 0, 1, null, List.of(), List.of())));
            CompletableFuture<GenerationResult> second = small.submit(GenerationRequest.ofTokens("second", null,
                    new int[] {1, 5, 6}, SamplingParams.greedy(3)));
            small.cancel("second");
            assertEquals(FinishReason.CANCELLED, second.orTimeout(30, TimeUnit.SECONDS).join().finishReason());
            assertNotEquals(FinishReason.CANCELLED, first.orTimeout(60, TimeUnit.SECONDS).join().finishReason());
        }
    }
}
