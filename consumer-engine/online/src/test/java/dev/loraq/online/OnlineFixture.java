package dev.loraq.online;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.loraq.engine.Engine;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.openai.http.auth.ApiKeyFile;
import dev.loraq.online.config.OnlineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real engine on a tiny synthetic model with the online API over it: adapters {@code acme.support} and
 * {@code acme.sales} (tenant acme by the naming rule), {@code globex.bot} (globex), {@code shared-01} (mapped to
 * globex), and keys for acme, globex and an admin. One per test class.
 */
public final class OnlineFixture implements AutoCloseable {

    public static final String ACME_KEY = "sk-acme-test-key";
    public static final String GLOBEX_KEY = "sk-globex-test-key";
    public static final String ADMIN_KEY = "sk-admin-test-key";

    public final Path root;
    public final Path adapters;
    public final Path keysFile;
    public final ModelConfig modelConfig;
    public final Engine engine;
    public final OnlineServer server;

    /** @param engineOverrides engine keys and values, alternating */
    public OnlineFixture(Object... engineOverrides) {
        try {
            root = Files.createTempDirectory("loraq-online-test");
            Path model = root.resolve("tiny-chat");
            modelConfig = SyntheticModelFolder.write(model, ModelPreset.TINY, 21);
            adapters = Files.createDirectories(root.resolve("adapters"));
            long seed = 100;
            for (String id : new String[] {"acme.support", "acme.sales", "globex.bot", "shared-01"}) {
                SyntheticAdapterWriter.write(adapters.resolve(id), modelConfig, 8, 16, EnumSet.allOf(Projection.class), seed++);
            }
            keysFile = root.resolve("keys.txt");
            Files.writeString(keysFile, "# test keys\n"
                    + ApiKeyFile.sha256Hex(ACME_KEY) + " acme\n"
                    + ApiKeyFile.sha256Hex(GLOBEX_KEY) + " globex\n"
                    + ApiKeyFile.sha256Hex(ADMIN_KEY) + " ops admin\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(EngineConfig.MODEL_DIR, root.resolve("tiny-chat").toString());
        p.put(EngineConfig.ADAPTERS_DIR, adapters.toString());
        p.put(EngineConfig.MAX_LORAS, 4);
        p.put(EngineConfig.MAX_CPU_LORAS, 8);
        p.put(EngineConfig.MAX_LORA_RANK, 16);
        p.put(EngineConfig.MAX_NUM_SEQS, 16);
        p.put(EngineConfig.MAX_NUM_BATCHED_TOKENS, 64);
        p.put(EngineConfig.KV_CACHE_TOKENS, 8192);
        for (int i = 0; i < engineOverrides.length; i += 2) {
            p.put((String) engineOverrides[i], engineOverrides[i + 1]);
        }
        engine = Engine.open(new EngineConfig(p));
        server = OnlineServer.start(engine, new OnlineConfig(Map.of(
                OnlineConfig.PORT, "0",
                OnlineConfig.API_KEYS_FILE, keysFile.toString(),
                OnlineConfig.API_KEYS_RELOAD_MS, "0",
                OnlineConfig.ADAPTER_TENANTS, "shared-01=globex",
                OnlineConfig.MAX_BODY_BYTES, "65536")), adapters);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** The official OpenAI client with this key, no retries (a refusal must surface as it is). */
    public OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    /** A raw POST (bodies the SDK would not send, and the vLLM admin endpoints the SDK lacks). */
    public HttpResponse<String> post(String path, String key, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
