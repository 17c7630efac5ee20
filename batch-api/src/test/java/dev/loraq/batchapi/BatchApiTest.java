package dev.loraq.batchapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.loraq.batchapi.cli.LoraqMain;
import dev.loraq.batchapi.config.BatchApiConfig;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.openai.http.auth.ApiKeyFile;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgressService;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI Batch API as a user's code drives it, with the official OpenAI Java SDK, against the real consumer engine
 * and job-progress service on the embedded broker and registry: upload, create, poll to completed, download output and
 * errors (the same lines as {@code loraq collect --format openai}), list, a restart of the server mid-batch, a cancel
 * mid-way with partial output, another tenant's key and a wrong key.
 */
@ExtendWith(LocalStackExtension.class)
class BatchApiTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String ACME = "bapi-acme";
    private static final String GLOBEX = "bapi-globex";
    private static final String ACME_KEY = "sk-acme-batch-key";
    private static final String GLOBEX_KEY = "sk-globex-batch-key";

    @TempDir
    Path dir;

    @Test
    void shouldRunBatchesThroughTheEngineAsTheOpenAiSdkExpects(LocalStack stack) throws Exception {
        assertEquals(0, loraq("topics", "--create", "--tenant", ACME, "--tenant", GLOBEX,
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.registryUrl()));
        ModelConfig model = SyntheticModelFolder.write(dir.resolve("model"), ModelPreset.SMALL, 5);
        List<String> adapters = SyntheticModelFolder.writeAdapters(dir.resolve("adapters"), model, "bapi", 2, List.of(4, 8),
                Set.of(Projection.Q, Projection.V), 23);
        Path keys = Files.writeString(dir.resolve("keys.txt"), ApiKeyFile.sha256Hex(ACME_KEY) + " " + ACME + "\n"
                + ApiKeyFile.sha256Hex(GLOBEX_KEY) + " " + GLOBEX + "\n");
        ServiceConfig engineConfig = engineConfig(stack);
        Map<String, Object> tools = toolsSettings(stack);
        try (JobProgressService progress = new JobProgressService(new ToolsConfig(tools));
             EngineService engine = EngineService.start(engineConfig, LocalEngine.open(engineConfig.engineSettings()))) {
            progress.start();
            assertTrue(progress.awaitRunning(Duration.ofSeconds(60)), "progress service running, state " + progress.state());
            BatchApiServer server = BatchApiServer.start(apiConfig(tools, keys));
            OpenAIClient acme = client(server, ACME_KEY);

            // A bad file fails whole at upload, every bad line named by its number.
            String bad = line("a", adapters.getFirst(), 4) + "\n{not json}\n" + line("c", "no such model!", 4) + "\n";
            BadRequestException refused = assertThrows(BadRequestException.class, () -> acme.files().create(upload("bad.jsonl", bad)));
            String message = refused.getMessage();
            assertTrue(message.contains("bad.jsonl:2:") && message.contains("bad.jsonl:3:") && !message.contains("bad.jsonl:1:"), message);

            // Upload, create, and the stored file read back.
            String input = lines(12, adapters, 6, null);
            FileObject file = acme.files().create(upload("products.jsonl", input));
            assertEquals("batch", file.purpose().asString());
            assertEquals(input.getBytes(StandardCharsets.UTF_8).length, file.bytes());
            assertEquals(input, text(acme.files().content(file.id()).body()));
            Batch created = acme.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                    .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                    .completionWindow(BatchCreateParams.CompletionWindow._24H)
                    .metadata(BatchCreateParams.Metadata.builder().putAdditionalProperty("project", com.openai.core.JsonValue.from("catalog")).build())
                    .build());
            assertEquals(file.id(), created.inputFileId());
            assertEquals("24h", created.completionWindow());
            assertTrue(created.expiresAt().orElseThrow() > created.createdAt(), "a 24h window has a deadline");

            // A restart mid-batch loses nothing: a new instance (another port) reads the same batch.
            server.close();
            BatchApiServer restarted = BatchApiServer.start(apiConfig(tools, keys));
            OpenAIClient acmeAgain = client(restarted, ACME_KEY);
            Batch done = poll(acmeAgain, created.id(), b -> Batch.Status.COMPLETED.equals(b.status()));
            assertEquals(12, done.requestCounts().orElseThrow().total());
            assertEquals(12, done.requestCounts().orElseThrow().completed());
            assertEquals("catalog", done.metadata().orElseThrow()._additionalProperties().get("project").asStringOrThrow());
            assertTrue(done.completedAt().isPresent() && done.inProgressAt().isPresent());
            assertTrue(done.errorFileId().isEmpty(), "no error file without failed requests");
            String output = text(acmeAgain.files().content(done.outputFileId().orElseThrow()).body());
            assertEquals(sorted(collect(stack, done.id(), false)), sorted(output));
            assertEquals(12, output.lines().count());
            for (String outLine : output.lines().toList()) {
                assertEquals(200, JSON.readTree(outLine).at("/response/status_code").asInt(), outLine);
            }

            // A batch with failing requests (an adapter the engine does not have) has an error file.
            String mixed = line("m-ok", adapters.get(1), 4) + "\n" + line("m-missing", "bapi-absent", 4) + "\n";
            Batch mixedBatch = create(acmeAgain, acmeAgain.files().create(upload("mixed.jsonl", mixed)).id());
            Batch mixedDone = poll(acmeAgain, mixedBatch.id(), b -> Batch.Status.COMPLETED.equals(b.status()));
            assertEquals(1, mixedDone.requestCounts().orElseThrow().failed());
            String errors = text(acmeAgain.files().content(mixedDone.errorFileId().orElseThrow()).body());
            assertEquals(sorted(collect(stack, mixedBatch.id(), true)), sorted(errors));
            assertEquals("m-missing", JSON.readTree(errors.lines().findFirst().orElseThrow()).get("custom_id").asText());
            assertEquals(1, text(acmeAgain.files().content(mixedDone.outputFileId().orElseThrow()).body()).lines().count());

            // Cancel a long batch mid-way: cancelling, then cancelled, with the finished requests' output kept.
            Batch longBatch = create(acmeAgain, acmeAgain.files().create(upload("long.jsonl", lines(80, adapters, 400, "long"))).id());
            poll(acmeAgain, longBatch.id(), b -> b.requestCounts().map(c -> c.completed() > 0).orElse(false));
            Batch cancelling = acmeAgain.batches().cancel(longBatch.id());
            assertEquals(Batch.Status.CANCELLING, cancelling.status());
            assertTrue(cancelling.cancellingAt().isPresent());
            Batch cancelled = poll(acmeAgain, longBatch.id(), b -> Batch.Status.CANCELLED.equals(b.status()));
            long completed = cancelled.requestCounts().orElseThrow().completed();
            long failed = cancelled.requestCounts().orElseThrow().failed();
            assertEquals(80, completed + failed, "every request accounted for");
            assertTrue(completed > 0 && failed > 0, "partial output and cancelled requests: " + completed + " / " + failed);
            assertEquals(completed, text(acmeAgain.files().content(cancelled.outputFileId().orElseThrow()).body()).lines().count());
            String cancelledLines = text(acmeAgain.files().content(cancelled.errorFileId().orElseThrow()).body());
            assertEquals(failed, cancelledLines.lines().count());
            assertTrue(cancelledLines.contains("cancelled"), cancelledLines.lines().findFirst().orElse(""));
            assertEquals(409, assertThrows(com.openai.errors.OpenAIServiceException.class,
                    () -> acmeAgain.batches().cancel(done.id())).statusCode(), "a finished batch cannot be cancelled");

            // List, newest first, paged with limit and after.
            List<String> listed = acmeAgain.batches().list().data().stream().map(Batch::id).toList();
            assertEquals(List.of(longBatch.id(), mixedBatch.id(), created.id()), listed);
            var firstPage = acmeAgain.batches().list(BatchListParams.builder().limit(2).build());
            assertEquals(List.of(longBatch.id(), mixedBatch.id()), firstPage.data().stream().map(Batch::id).toList());
            assertTrue(firstPage.hasMore().orElseThrow());
            assertEquals(List.of(created.id()), acmeAgain.batches().list(BatchListParams.builder().limit(2).after(mixedBatch.id())
                    .build()).data().stream().map(Batch::id).toList());

            // Another tenant sees none of it; a wrong key is refused.
            OpenAIClient globex = client(restarted, GLOBEX_KEY);
            assertThrows(NotFoundException.class, () -> globex.batches().retrieve(created.id()));
            assertThrows(NotFoundException.class, () -> globex.files().retrieve(file.id()));
            assertThrows(NotFoundException.class, () -> globex.files().content(done.outputFileId().orElseThrow()));
            assertThrows(NotFoundException.class, () -> globex.batches().cancel(longBatch.id()));
            assertTrue(globex.batches().list().data().isEmpty());
            UnauthorizedException wrong = assertThrows(UnauthorizedException.class, () -> client(restarted, "sk-wrong").batches().list());
            assertEquals(401, wrong.statusCode());
            assertThrows(NotFoundException.class, () -> acmeAgain.batches().retrieve("batch_../../etc"), "ids are checked before any lookup");

            // Delete: the file is gone for every instance.
            assertTrue(acmeAgain.files().delete(file.id()).deleted());
            assertThrows(NotFoundException.class, () -> acmeAgain.files().retrieve(file.id()));
            restarted.close();
        }
    }

    @Test
    void shouldRefuseUnknownKeysAndListItsOwnInHelp() {
        var unknown = assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new BatchApiConfig(Map.of(BatchApiConfig.KEYS_FILE_CONFIG, "k", "batch.api.prot", "1")));
        assertTrue(unknown.getMessage().contains("batch.api.prot"), unknown.getMessage());
        var stranger = assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new BatchApiConfig(Map.of(BatchApiConfig.KEYS_FILE_CONFIG, "k", "max.loras", "1")));
        assertTrue(stranger.getMessage().contains("max.loras"), stranger.getMessage());
        assertEquals("127.0.0.1", new BatchApiConfig(Map.of(BatchApiConfig.KEYS_FILE_CONFIG, "k")).listenAddress());
        StringWriter out = new StringWriter();
        assertEquals(0, LoraqMain.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "batch-api", "--help"));
        for (String key : BatchApiConfig.CONFIG_DEF.names()) {
            assertTrue(out.toString().contains(key), key + " in --help");
        }
    }

    private static Batch create(OpenAIClient client, String fileId) {
        return client.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS).completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    }

    private static Batch poll(OpenAIClient client, String id, Predicate<Batch> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Batch batch = client.batches().retrieve(id);
        while (!until.test(batch)) {
            assertTrue(System.nanoTime() < deadline, "batch " + id + " stuck at " + batch.status() + " " + batch.requestCounts());
            Thread.sleep(50);
            batch = client.batches().retrieve(id);
        }
        return batch;
    }

    private String collect(LocalStack stack, String batchId, boolean errors) throws IOException {
        Path out = dir.resolve(batchId + ".jsonl");
        Path err = dir.resolve(batchId + ".errors.jsonl");
        assertEquals(0, loraq("collect", "--tenant", ACME, "--job", batchId, "--format", "openai", "--out", out.toString(),
                "--errors", err.toString(), "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.registryUrl()));
        return Files.readString(errors ? err : out);
    }

    private static int loraq(String... args) {
        StringWriter err = new StringWriter();
        int code = LoraqMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        if (code != 0) {
            System.err.println(Arrays.toString(args) + ": " + err);
        }
        return code;
    }

    private static List<String> sorted(String lines) {
        return lines.lines().sorted().toList();
    }

    private static String text(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private FileCreateParams upload(String name, String content) throws IOException {
        Path path = Files.writeString(dir.resolve(name), content);
        return FileCreateParams.builder().file(path).purpose(FilePurpose.BATCH).build();
    }

    private static String lines(int count, List<String> adapters, int maxTokens, String prefix) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String model = i % 3 == 2 ? "base" : adapters.get(i % adapters.size());
            lines.add(line((prefix == null ? "req-" : prefix + "-") + i, model, maxTokens));
        }
        return lines.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    private static String line(String customId, String model, int maxTokens) {
        ObjectNode line = JSON.createObjectNode();
        line.put("custom_id", customId);
        line.put("method", "POST");
        line.put("url", "/v1/chat/completions");
        ObjectNode body = line.putObject("body");
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        // Sampled (seeded): the random model then rarely meets its end token, so a request really makes about max_tokens.
        body.put("temperature", 1.0);
        body.put("seed", 7);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "Describe product " + customId + " in one line.");
        return line.toString();
    }

    private static OpenAIClient client(BatchApiServer server, String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private Map<String, Object> toolsSettings(LocalStack stack) {
        Map<String, Object> s = new HashMap<>();
        s.put(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        s.put(ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl());
        s.put(ToolsConfig.KAFKA_TIMEOUT_MS_CONFIG, "10000");
        s.put(ToolsConfig.PROGRESS_TOPIC_DISCOVERY_MS_CONFIG, "500");
        s.put(ToolsConfig.PROGRESS_COMMIT_INTERVAL_MS_CONFIG, "100");
        s.put(ToolsConfig.PROGRESS_STATE_DIR_CONFIG, dir.resolve("streams-state").toString());
        s.put(ToolsConfig.PROGRESS_APPLICATION_ID_CONFIG, "bapi-progress-" + System.nanoTime());
        return s;
    }

    private static BatchApiConfig apiConfig(Map<String, Object> tools, Path keys) {
        Map<String, Object> s = new HashMap<>(tools);
        s.put(BatchApiConfig.KEYS_FILE_CONFIG, keys.toString());
        s.put(BatchApiConfig.PORT_CONFIG, "0");
        s.put(BatchApiConfig.FILE_CHUNK_BYTES_CONFIG, "1024");
        return new BatchApiConfig(s);
    }

    private ServiceConfig engineConfig(LocalStack stack) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", stack.bootstrapServers());
        s.put("schema.registry.url", stack.registryUrl());
        s.put("group.id", "bapi-engine-" + System.nanoTime());
        s.put("worker.id", "bapi");
        s.put("commit.interval.ms", "200");
        s.put("metrics.port", "-1");
        s.put("shutdown.timeout.ms", "5000");
        s.put("revocation.timeout.ms", "3000");
        s.put("model.dir", dir.resolve("model").toString());
        s.put("adapters.dir", dir.resolve("adapters").toString());
        s.put("max.loras", "4");
        s.put("max.cpu.loras", "8");
        s.put("max.num.seqs", "1");
        s.put("threads", "1");
        return ConfigSources.load(null, s, Map.of());
    }
}
