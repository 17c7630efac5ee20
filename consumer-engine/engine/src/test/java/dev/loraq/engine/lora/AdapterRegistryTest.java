package dev.loraq.engine.lora;

import dev.loraq.engine.TestModels;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterRegistryTest {

    @TempDir
    Path tmp;

    private AdapterRegistry registry() {
        TestModels.tinyModel();
        return new AdapterRegistry(new LocalFolderAdapterSource(TestModels.adaptersDir()));
    }

    private Path copyOf(String adapter) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("copy-" + adapter));
        for (String f : List.of(AdapterConfigReader.FILE_NAME, LocalFolderAdapterSource.WEIGHTS_FILE)) {
            Files.copy(TestModels.adaptersDir().resolve(adapter).resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void registeredNamesAreServedAndListedBesideTheConfiguredFolder() throws IOException {
        AdapterRegistry registry = registry();
        Path folder = copyOf("a-00");
        AdapterFiles files = registry.register(AdapterId.of("acme.support"), folder);
        assertEquals(folder.resolve(LocalFolderAdapterSource.WEIGHTS_FILE), files.weightsFile());
        assertTrue(registry.exists(AdapterId.of("acme.support")));
        assertEquals(folder, registry.locate(AdapterId.of("acme.support")).directory());
        List<String> ids = registry.list().stream().map(AdapterId::value).toList();
        assertTrue(ids.contains("acme.support") && ids.contains("a-00"), ids.toString());
        for (AdapterId id : registry.list()) {
            assertTrue(registry.exists(id), "listed adapters are the ones exists() accepts: " + id);
        }
    }

    @Test
    void unregisteringHidesAConfiguredAdapterUntilRegisteredAgain() {
        AdapterRegistry registry = registry();
        AdapterId id = AdapterId.of("a-02");
        assertTrue(registry.unregister(id));
        assertFalse(registry.exists(id));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> registry.locate(id));
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code());
        assertFalse(registry.unregister(id), "already gone");
        registry.register(id, TestModels.adaptersDir().resolve("a-02"));
        assertTrue(registry.exists(id));
    }

    @Test
    void oneFolderIsServedUnderOneNameOnly() throws IOException {
        AdapterRegistry registry = registry();
        Path folder = copyOf("a-01");
        registry.register(AdapterId.of("first"), folder);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> registry.register(AdapterId.of("second"), folder));
        assertTrue(e.getMessage().contains("already served as adapter 'first'"), e.getMessage());
        InvalidRequestException configured = assertThrows(InvalidRequestException.class,
                () -> registry.register(AdapterId.of("alias"), TestModels.adaptersDir().resolve("a-03")));
        assertTrue(configured.getMessage().contains("'a-03'"), configured.getMessage());
        registry.register(AdapterId.of("first"), folder); // the same name again is a reload
    }

    @Test
    void aFolderWithoutAnAdapterOrWithALinkOutIsRefused() throws IOException {
        AdapterRegistry registry = registry();
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, assertThrows(InvalidRequestException.class,
                () -> registry.register(AdapterId.of("x"), tmp.resolve("missing"))).code());
        assertEquals(ErrorCode.ADAPTER_LOAD_FAILED, assertThrows(InvalidRequestException.class,
                () -> registry.register(AdapterId.of("x"), empty)).code());
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Files.copy(TestModels.adaptersDir().resolve("a-00").resolve(AdapterConfigReader.FILE_NAME),
                linked.resolve(AdapterConfigReader.FILE_NAME));
        Files.createSymbolicLink(linked.resolve(LocalFolderAdapterSource.WEIGHTS_FILE),
                TestModels.adaptersDir().resolve("a-00").resolve(LocalFolderAdapterSource.WEIGHTS_FILE));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> registry.register(AdapterId.of("x"), linked));
        assertTrue(e.getMessage().contains("symbolic link leading outside"), e.getMessage());
        assertFalse(registry.exists(AdapterId.of("x")));
    }
}
