package dev.loraq.engine.lora;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalFolderAdapterSourceTest {

    private static final String CONFIG = "{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\", \"v_proj\"]}";

    @TempDir
    Path base;

    private Path root() throws IOException {
        return Files.createDirectories(base.resolve("adapters"));
    }

    private static Path adapter(Path root, String name, boolean safetensors) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve("adapter_config.json"), CONFIG);
        Files.write(dir.resolve(safetensors ? "adapter_model.safetensors" : "adapter_model.bin"), new byte[] {1, 2});
        return dir;
    }

    private static InvalidRequestException refusal(AdapterSource source, String id) {
        return assertThrows(InvalidRequestException.class, () -> source.locate(AdapterId.of(id)));
    }

    @Test
    void shouldLocateAdapterFolderAndReadItsConfig() throws IOException {
        Path root = root();
        Path dir = adapter(root, "tenant-a", true);
        AdapterSource source = new LocalFolderAdapterSource(root);

        AdapterFiles files = source.locate(AdapterId.of("tenant-a"));

        assertEquals(AdapterId.of("tenant-a"), files.id());
        assertEquals(dir.toAbsolutePath().normalize(), files.directory());
        assertEquals(dir.resolve("adapter_model.safetensors").toAbsolutePath().normalize(), files.weightsFile());
        assertEquals(8, files.config().rank());
        assertEquals(Set.of(Projection.Q, Projection.V), files.config().targetModules());
        assertTrue(source.exists(AdapterId.of("tenant-a")));
    }

    @Test
    void shouldReportUnknownAdapter() throws IOException {
        AdapterSource source = new LocalFolderAdapterSource(root());

        InvalidRequestException e = refusal(source, "nobody");

        assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code());
        assertTrue(e.getMessage().contains("unknown adapter 'nobody'"), e.getMessage());
        assertFalse(source.exists(AdapterId.of("nobody")));
    }

    @Test
    void shouldRefusePickleOnlyAdapterWithConversionHint() throws IOException {
        Path root = root();
        adapter(root, "old", false);

        InvalidRequestException e = refusal(new LocalFolderAdapterSource(root), "old");

        assertEquals(ErrorCode.UNSUPPORTED_ADAPTER_FORMAT, e.code());
        assertTrue(e.getMessage().contains("adapter_model.bin") && e.getMessage().contains("safetensors"),
                e.getMessage());
    }

    @Test
    void shouldRefuseSymlinkLeadingOutOfRoot() throws IOException {
        Path root = root();
        Path outside = adapter(Files.createDirectories(base.resolve("elsewhere")), "secret", true);
        Files.createSymbolicLink(root.resolve("escape"), outside);
        AdapterSource source = new LocalFolderAdapterSource(root);

        InvalidRequestException e = refusal(source, "escape");

        assertEquals(ErrorCode.ADAPTER_LOAD_FAILED, e.code());
        assertTrue(e.getMessage().contains("outside the adapters folder"), e.getMessage());
        assertFalse(source.exists(AdapterId.of("escape")));
    }

    @Test
    void shouldRefuseWeightsSymlinkLeadingOutOfRoot() throws IOException {
        Path root = root();
        Path dir = Files.createDirectories(root.resolve("sneaky"));
        Files.writeString(dir.resolve("adapter_config.json"), CONFIG);
        Path secret = Files.writeString(base.resolve("secret.bin"), "x");
        Files.createSymbolicLink(dir.resolve("adapter_model.safetensors"), secret);

        InvalidRequestException e = refusal(new LocalFolderAdapterSource(root), "sneaky");

        assertTrue(e.getMessage().contains("outside the adapters folder"), e.getMessage());
    }

    @Test
    void shouldAcceptSymlinkThatStaysInsideRoot() throws IOException {
        Path root = root();
        adapter(root, "v1", true);
        Files.createSymbolicLink(root.resolve("latest"), root.resolve("v1"));

        AdapterFiles files = new LocalFolderAdapterSource(root).locate(AdapterId.of("latest"));

        assertEquals(8, files.config().rank());
    }

    @Test
    void shouldNameMissingWeightsAndBadConfig() throws IOException {
        Path root = root();
        Path dir = Files.createDirectories(root.resolve("half"));
        Files.writeString(dir.resolve("adapter_config.json"), CONFIG);
        AdapterSource source = new LocalFolderAdapterSource(root);

        InvalidRequestException missing = refusal(source, "half");
        assertEquals(ErrorCode.ADAPTER_LOAD_FAILED, missing.code());
        assertTrue(missing.getMessage().contains("adapter_model.safetensors"), missing.getMessage());

        Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {0});
        Files.writeString(dir.resolve("adapter_config.json"), "{\"lora_alpha\": 1, \"target_modules\": [\"q_proj\"]}");
        InvalidRequestException bad = refusal(source, "half");
        assertTrue(bad.getMessage().contains("key 'r' is missing"), bad.getMessage());
    }

    @Test
    void shouldTreatPlainFileAsUnknownAdapter() throws IOException {
        Path root = root();
        Files.writeString(root.resolve("file"), "x");

        assertEquals(ErrorCode.UNKNOWN_ADAPTER, refusal(new LocalFolderAdapterSource(root), "file").code());
    }

    @Test
    void shouldRejectMissingRoot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalFolderAdapterSource(base.resolve("nope")));

        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
