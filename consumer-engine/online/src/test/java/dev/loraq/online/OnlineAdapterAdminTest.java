package dev.loraq.online;

import com.openai.client.OpenAIClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.errors.NotFoundException;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.openai.http.auth.ApiKeyFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vLLM's load/unload endpoints for operators, and keys reloaded without restart. */
class OnlineAdapterAdminTest {

    private static OnlineFixture fx;

    @BeforeAll
    static void start() {
        fx = new OnlineFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String greedy(OpenAIClient client, String model) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(ChatModel.of(model))
                .addUserMessage("hello there").maxCompletionTokens(16).temperature(0.0).build())
                .choices().getFirst().message().content().orElse("");
    }

    private static HttpResponse<String> load(String key, String name, String path) {
        return fx.post("/load_lora_adapter", key, "{\"lora_name\":\"" + name + "\",\"lora_path\":\"" + path + "\"}");
    }

    @Test
    void loadServesANewAdapterAndReloadingChangedFilesServesTheNewWeights() {
        Path folder = fx.adapters.resolve("uploads").resolve("v1"); // below adapters.dir, not one of its adapters
        SyntheticAdapterWriter.write(folder, fx.modelConfig, 8, 16, EnumSet.allOf(Projection.class), 501);
        OpenAIClient acme = fx.client(OnlineFixture.ACME_KEY);
        assertThrows(NotFoundException.class, () -> greedy(acme, "acme.live"));

        HttpResponse<String> loaded = load(OnlineFixture.ADMIN_KEY, "acme.live", folder.toString());
        assertEquals(200, loaded.statusCode(), loaded.body());
        assertTrue(loaded.body().contains("added successfully"), loaded.body());
        String before = greedy(acme, "acme.live");
        assertEquals(before, greedy(acme, "acme.live"), "greedy output is stable");
        assertTrue(acme.models().list().data().stream().anyMatch(m -> m.id().equals("acme.live")));

        // New weights in the same folder, loaded again under the same name: no stale cached copy may serve.
        SyntheticAdapterWriter.write(folder, fx.modelConfig, 8, 16, EnumSet.allOf(Projection.class), 9001);
        assertEquals(200, load(OnlineFixture.ADMIN_KEY, "acme.live", "uploads/v1").statusCode(), "a path relative to the root");
        String after = greedy(acme, "acme.live");
        assertNotEquals(before, after, "the reloaded adapter generates with its new weights");

        HttpResponse<String> unloaded = fx.post("/unload_lora_adapter", OnlineFixture.ADMIN_KEY, "{\"lora_name\":\"acme.live\"}");
        assertEquals(200, unloaded.statusCode(), unloaded.body());
        assertThrows(NotFoundException.class, () -> greedy(acme, "acme.live"));
        assertEquals(404, fx.post("/unload_lora_adapter", OnlineFixture.ADMIN_KEY, "{\"lora_name\":\"acme.live\"}").statusCode());
    }

    @Test
    void onlyAdminKeysMayLoadAndUnload() {
        HttpResponse<String> r = load(OnlineFixture.ACME_KEY, "acme.x", fx.adapters.resolve("acme.support").toString());
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("\"type\":\"permission_error\""), r.body());
        assertEquals(401, load(null, "acme.x", "acme.support").statusCode());
        assertEquals(403, fx.post("/unload_lora_adapter", OnlineFixture.GLOBEX_KEY, "{\"lora_name\":\"globex.bot\"}").statusCode());
    }

    @Test
    void namesAndPathsAreValidatedBeforeTheFileSystem() throws IOException {
        HttpResponse<String> badName = load(OnlineFixture.ADMIN_KEY, "../etc", "acme.support");
        assertEquals(400, badName.statusCode());
        assertTrue(badName.body().contains("\"param\":\"lora_name\""), badName.body());
        HttpResponse<String> outside = load(OnlineFixture.ADMIN_KEY, "acme.out", fx.root.resolve("tiny-chat").toString());
        assertEquals(400, outside.statusCode());
        assertTrue(outside.body().contains("\"param\":\"lora_path\"") && outside.body().contains("not inside"), outside.body());
        assertEquals(400, load(OnlineFixture.ADMIN_KEY, "acme.dots", "../tiny-chat").statusCode());
        Path link = fx.adapters.resolve("escape-link");
        Files.createSymbolicLink(link, fx.root.resolve("tiny-chat"));
        HttpResponse<String> escaped = load(OnlineFixture.ADMIN_KEY, "acme.link", link.toString());
        assertEquals(400, escaped.statusCode());
        assertTrue(escaped.body().contains("symbolic link"), escaped.body());
        HttpResponse<String> twice = load(OnlineFixture.ADMIN_KEY, "acme.alias", fx.adapters.resolve("acme.support").toString());
        assertEquals(400, twice.statusCode());
        assertTrue(twice.body().contains("one name only"), twice.body());
    }

    @Test
    void keysAddedToTheFileWorkWithoutRestartAndRemovedOnesStop() throws IOException {
        String newKey = "sk-initech-new";
        OpenAIClient initech = fx.client(newKey);
        assertThrows(com.openai.errors.UnauthorizedException.class, () -> initech.models().list());
        String before = Files.readString(fx.keysFile);
        Files.writeString(fx.keysFile, before + ApiKeyFile.sha256Hex(newKey) + " initech\n");
        assertEquals(1, initech.models().list().data().size(), "a new tenant sees the base model only");
        Files.writeString(fx.keysFile, before);
        assertThrows(com.openai.errors.UnauthorizedException.class, () -> initech.models().list());
    }
}
