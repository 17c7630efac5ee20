package dev.loraq.engine;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.lora.LocalFolderAdapterSource;
import dev.loraq.engine.sample.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adapters registered and unregistered while the engine runs (the online API's load/unload). */
class EngineAdapterRegistrationTest {

    private static final int[] PROMPT = {1, 50, 51, 52, 53, 54};
    private static Engine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        engine = Engine.open(TestModels.config());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static int[] greedy(String adapter) {
        SamplingParams greedy = new SamplingParams(12, 0, 0, 1, null, List.of(), List.of());
        GenerationResult r = engine.submit(GenerationRequest.ofTokens("g-" + adapter + "-" + System.nanoTime(), adapter,
                PROMPT, greedy)).orTimeout(60, TimeUnit.SECONDS).join();
        return r.tokenIds();
    }

    private static void copyAdapter(String from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : List.of("adapter_config.json", LocalFolderAdapterSource.WEIGHTS_FILE)) {
            Files.copy(TestModels.adaptersDir().resolve(from).resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void reloadingANameWhoseFilesChangedServesTheNewWeights() throws IOException {
        int[] first = greedy("a-00");
        int[] other = greedy("a-04");
        assertFalse(java.util.Arrays.equals(first, other), "precondition: the two adapters generate differently");
        Path folder = tmp.resolve("rt-adapter");
        copyAdapter("a-00", folder);
        engine.registerAdapter("rt.one", folder);
        assertArrayEquals(first, greedy("rt.one"));
        assertTrue(engine.adapterIds().contains("rt.one"));

        copyAdapter("a-04", folder); // new files under the same name: cached copies of the old ones must not serve
        engine.registerAdapter("rt.one", folder);
        assertArrayEquals(other, greedy("rt.one"));
    }

    @Test
    void unregisteredAdaptersAreRefusedAsUnknown() throws IOException {
        Path folder = tmp.resolve("gone");
        copyAdapter("a-01", folder);
        engine.registerAdapter("rt.gone", folder);
        greedy("rt.gone");
        engine.unregisterAdapter("rt.gone");
        assertFalse(engine.adapterIds().contains("rt.gone"));
        CompletionException e = assertThrows(CompletionException.class, () -> greedy("rt.gone"));
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, assertInstanceOf(InvalidRequestException.class, e.getCause()).code());
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, assertThrows(InvalidRequestException.class,
                () -> engine.unregisterAdapter("rt.gone")).code());
    }

    @Test
    void anAdapterThatCannotLoadIsRefusedAtRegistrationAndNotServed() throws IOException {
        copyAdapter("wrong-shape", tmp.resolve("wrong"));
        InvalidRequestException shape = assertThrows(InvalidRequestException.class,
                () -> engine.registerAdapter("rt.wrong", tmp.resolve("wrong")));
        assertEquals(ErrorCode.ADAPTER_LOAD_FAILED, shape.code());
        copyAdapter("big-rank", tmp.resolve("big"));
        InvalidRequestException rank = assertThrows(InvalidRequestException.class,
                () -> engine.registerAdapter("rt.big", tmp.resolve("big")));
        assertTrue(rank.getMessage().contains("max.lora.rank"), rank.getMessage());
        assertFalse(engine.adapterIds().contains("rt.wrong"));
        assertEquals(ErrorCode.INVALID_ADAPTER_ID, assertThrows(InvalidRequestException.class,
                () -> engine.registerAdapter("../escape", tmp.resolve("big"))).code());
    }
}
