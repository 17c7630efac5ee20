package dev.loraq.ops.onlinebench.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Streams {@code POST /v1/completions} from an OpenAI-compatible server (loraq's online API or llama-server) with
 * the JDK {@link HttpClient} and times the chunks client-side as they are read ({@link ChunkTimer}). HTTP/1.1, one
 * connection per concurrent stream, as the servers measured here speak it. Thread-safe: one client serves every
 * concurrent stream.
 */
public final class StreamingClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI completions;
    private final boolean ignoreEos;

    /**
     * @param baseUrl   the server's root, e.g. {@code http://127.0.0.1:8000}
     * @param ignoreEos send llama-server's {@code ignore_eos} (a field loraq does not know), so every stream runs to
     *                  max_tokens
     */
    public StreamingClient(String baseUrl, boolean ignoreEos) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.completions = URI.create(baseUrl + "/v1/completions");
        this.ignoreEos = ignoreEos;
    }

    /**
     * Streams one completion, greedy (temperature 0), and returns what the client saw.
     *
     * @throws StreamFailure for a status other than 200, an error event, a stream without text or an I/O failure
     */
    public StreamTiming stream(String model, String prompt, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (ignoreEos) {
            body.put("ignore_eos", true);
        }
        HttpRequest request = HttpRequest.newBuilder(completions).header("Content-Type", "application/json")
                .header("Authorization", "Bearer unused")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    StringBuilder error = new StringBuilder();
                    in.lines().limit(5).forEach(error::append);
                    throw new StreamFailure(completions + " answered " + response.statusCode() + " for model " + model
                            + ": " + error);
                }
                ChunkTimer timer = new ChunkTimer(start);
                if (!SseStream.read(in, data -> timer.onChunk(data, System.nanoTime()))) {
                    throw new StreamFailure(completions + " ended the stream of model " + model + " without [DONE]");
                }
                return timer.finish(System.nanoTime());
            }
        } catch (IOException e) {
            throw new StreamFailure(completions + " failed for model " + model + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamFailure("interrupted while streaming from " + completions, e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
