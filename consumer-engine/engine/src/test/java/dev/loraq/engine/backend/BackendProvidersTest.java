package dev.loraq.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.loraq.engine.config.BackendType;
import dev.loraq.engine.config.ConfigException;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.LlamaModel;

class BackendProvidersTest {

    /** A provider that opens nothing: for the lookup rules only. */
    private record Named(BackendType type) implements ComputeBackendProvider {
        @Override
        public ComputeBackend open(LlamaModel model, BackendOptions options) {
            throw new UnsupportedOperationException("not a backend");
        }
    }

    @Test
    void shouldFindTheCpuBackendThatRegistersItself() {
        BackendProviders providers = BackendProviders.onClassPath();
        ComputeBackendProvider cpu = providers.require(BackendType.CPU);
        assertEquals(BackendType.CPU, cpu.type());
        assertEquals("dev.loraq.engine.backend.cpu.CpuBackendProvider", cpu.getClass().getName());
        assertTrue(providers.all().contains(cpu));
    }

    @Test
    void shouldNameTheMissingModuleAndJarInOneLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> BackendProviders.of(List.of(new Named(BackendType.CPU))).require(BackendType.CUDA));
        String m = e.getMessage();
        assertEquals(EngineConfig.BACKEND, e.key());
        assertTrue(m.contains("module consumer-engine/engine-cuda"), m);
        assertTrue(m.matches(".*\\(loraq-engine-cuda-\\d+\\.\\d+\\.\\d+[-.\\w]*\\.jar\\).*"), "the jar with its version: " + m);
        assertTrue(m.contains("or use backend=cpu"), m);
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    }

    @Test
    void shouldOfferNoAlternativeWhenNoBackendIsPresent() {
        ConfigException e = assertThrows(ConfigException.class, () -> BackendProviders.of(List.of()).require(BackendType.CPU));
        assertTrue(e.getMessage().contains("module consumer-engine/engine (loraq-engine-core-"), e.getMessage());
        assertFalse(e.getMessage().contains("or use"), e.getMessage());
    }

    @Test
    void shouldRefuseTwoProvidersOfOneType() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BackendProviders.of(List.of(new Named(BackendType.CUDA), new Named(BackendType.CUDA))));
        assertTrue(e.getMessage().contains("two providers of backend cuda") && e.getMessage().contains(Named.class.getName()),
                e.getMessage());
    }
}
