package dev.loraq.online;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.generation.FinishReason;
import dev.loraq.engine.sample.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A streaming client that goes away has its sequence cancelled and its KV blocks freed; a full admission queue is a
 * 429 with Retry-After. The engine has 256 KV tokens, so a request of 256 tokens runs only when every block is free.
 */
class OnlineDisconnectAndOverloadTest {

    private static final int KV_TOKENS = 256;
    private static OnlineFixture fx;

    @BeforeAll
    static void start() {
        fx = new OnlineFixture(EngineConfig.KV_CACHE_TOKENS, KV_TOKENS, EngineConfig.MAX_NUM_SEQS, 1,
                EngineConfig.MAX_WAITING_REQUESTS, 2, EngineConfig.THREADS, 1);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** A request of exactly the KV capacity: admitted only when no block is held by anyone. */
    private static CompletableFuture<GenerationResult> wholeKv(String id) {
        int[] prompt = new int[16];
        java.util.Arrays.fill(prompt, 40);
        prompt[0] = 1;
        SamplingParams s = new SamplingParams(KV_TOKENS - prompt.length, 0.9, 0, 1, 3L, List.of(), List.of());
        return fx.engine.submit(GenerationRequest.ofTokens(id, null, prompt, s));
    }

    @Test
    void aStreamingClientThatDisconnectsIsCancelledAndItsKvBlocksFreed() throws Exception {
        long cancelledBefore = fx.engine.stats().scheduler().cancelled();
        String body = "{\"model\":\"acme.support\",\"stream\":true,\"max_tokens\":230,\"temperature\":0.9,\"seed\":1,"
                + "\"stop\":[\"\\u0000never\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Socket socket = new Socket("127.0.0.1", fx.server.port())) {
            OutputStream out = socket.getOutputStream();
            byte[] json = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + OnlineFixture.ACME_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                // status line and headers
            }
            assertTrue(line != null && line.startsWith("data: "), "the stream began");
        } // the client goes away mid-stream
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fx.engine.stats().scheduler().cancelled() == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(cancelledBefore + 1, fx.engine.stats().scheduler().cancelled(), "the sequence was cancelled");
        GenerationResult all = wholeKv("after-disconnect").get(30, TimeUnit.SECONDS);
        assertTrue(all.finishReason() != FinishReason.CANCELLED, "a request needing every KV block ran: all were freed");
    }

    @Test
    void aFullAdmissionQueueIs429WithRetryAfter() throws Exception {
        HttpResponse<String> refused = null;
        // Timing-dependent (the held request may finish before the probe arrives), so a few tries.
        for (int attempt = 0; attempt < 20 && refused == null; attempt++) {
            List<CompletableFuture<GenerationResult>> held = new ArrayList<>();
            held.add(wholeKv("hold-" + attempt + "-0"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (fx.engine.stats().scheduler().running() == 0 && !held.getFirst().isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (int i = 1; i < 3; i++) {
                held.add(wholeKv("hold-" + attempt + "-" + i)); // one runs, two wait: the bound of 2 is full
            }
            HttpResponse<String> r = fx.post("/completions", OnlineFixture.ACME_KEY,
                    "{\"model\":\"" + fx.engine.modelId() + "\",\"prompt\":\"hi\",\"max_tokens\":4}");
            for (int i = 0; i < held.size(); i++) {
                fx.engine.cancel("hold-" + attempt + "-" + i);
            }
            for (CompletableFuture<GenerationResult> f : held) {
                f.handle((x, e) -> null).get(30, TimeUnit.SECONDS);
            }
            if (r.statusCode() == 429) {
                refused = r;
            }
        }
        assertTrue(refused != null, "a request beyond max.waiting.requests is refused");
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(refused.body().contains("\"code\":\"overloaded\"") && refused.body().contains("max.waiting.requests"),
                refused.body());
    }
}
