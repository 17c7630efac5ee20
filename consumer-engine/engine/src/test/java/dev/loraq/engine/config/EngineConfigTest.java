package dev.loraq.engine.config;

import dev.loraq.engine.model.WeightFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineConfigTest {

    @Test
    void shouldAcceptTheFormerDashedSpellingAsTheDottedKey() {
        EngineConfig c = new EngineConfig(Map.of("model-dir", "/m", "max-loras", "4", "max-num-batched-tokens", "256"));
        assertEquals(Path.of("/m"), c.modelDir());
        assertEquals(4, c.maxLoras());
        assertEquals(256, c.maxNumBatchedTokens());
    }

    @Test
    void shouldRefuseAKeySetUnderBothSpellings() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "max.loras", "4", "max-loras", "2")));
        assertEquals("max.loras", e.key());
        assertTrue(e.getMessage().contains("'max-loras'"), e.getMessage());
    }

    @Test
    void shouldNameVllmFlagsAndFormerSpellingsInTheReference() {
        String table = EngineConfig.DEFINITION.toMarkdownTable();
        assertTrue(table.contains("vLLM --max-loras; formerly max-loras"), table);
        assertTrue(EngineConfig.DEFINITION.toHelpText().contains("formerly max-cpu-loras"));
        for (String former : EngineConfig.DEFINITION.formerSpellings().keySet()) {
            assertTrue(former.contains("-"), former);
        }
        for (ConfigDefinition.Key key : EngineConfig.DEFINITION.keys()) {
            assertTrue(key.key().matches("[a-z]+(\\.[a-z]+)*"), "not in the one key style: " + key.key());
        }
    }


    @Test
    void shouldApplyDocumentedDefaults() {
        EngineConfig c = new EngineConfig(Map.of("model.dir", "/models/tiny"));

        assertEquals(Path.of("/models/tiny"), c.modelDir());
        assertTrue(c.adaptersDir().isEmpty());
        assertEquals(WeightFormat.BF16, c.weightFormat());
        assertEquals(BackendType.CPU, c.backend());
        assertEquals(8, c.maxLoras());
        assertEquals(32, c.maxCpuLoras());
        assertEquals(64, c.maxLoraRank());
        assertEquals(32, c.maxNumSeqs());
        assertEquals(512, c.maxNumBatchedTokens());
        assertEquals(16384, c.kvCacheTokens());
        assertEquals(16, c.kvBlockSize());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.threads());
        assertEquals("affinity", c.schedulingPolicy());
        assertEquals(2000L, c.maxQueueWaitMs());
        assertEquals(0, c.maxModelLen());
        assertEquals(4096, c.maxWaitingRequests());
    }

    @Test
    void shouldReadAndCheckTheWaitingBound() {
        assertEquals(7, EngineConfig.fromEnvironment(Map.of("model-dir", "/m"), Map.of("LORAQ_MAX_WAITING_REQUESTS", "7"))
                .maxWaitingRequests());
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model-dir", "/m", "max.waiting.requests", "0")));
        assertEquals("invalid value '0' for configuration 'max.waiting.requests': must be in [1, 1048576]", e.getMessage());
    }

    @Test
    void shouldReadAndCheckTheBatchShare() {
        assertEquals(0.25, new EngineConfig(Map.of("model.dir", "/m")).schedulingBatchMinShare());
        assertEquals(0.5, EngineConfig.fromEnvironment(Map.of("model.dir", "/m"), Map.of("LORAQ_SCHEDULING_BATCH_MIN_SHARE", "0.5"))
                .schedulingBatchMinShare());
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "scheduling.batch.min.share", "1.5")));
        assertEquals("invalid value '1.5' for configuration 'scheduling.batch.min.share': must be in [0, 1]", e.getMessage());
    }

    @Test
    void shouldReadTypedValues() {
        EngineConfig c = new EngineConfig(Map.of("model.dir", "/m", "adapters.dir", "/a", "weight.format", "int8",
                "backend", "cuda", "threads", "3", "scheduling.policy", "fifo"));

        assertEquals(Path.of("/a"), c.adaptersDir().orElseThrow());
        assertEquals(WeightFormat.INT8, c.weightFormat());
        assertEquals(BackendType.CUDA, c.backend());
        assertEquals(3, c.threads());
        assertEquals("fifo", c.schedulingPolicy());
    }

    @Test
    void shouldRejectUnknownKeyNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "max_loras", "4")));

        assertEquals("max_loras", e.key());
        assertTrue(e.getMessage().contains("unknown configuration key 'max_loras' (did you mean 'max.loras'?)"),
                e.getMessage());
    }

    @Test
    void shouldRejectBadValueNamingKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "weight.format", "fp4")));

        assertEquals("invalid value 'fp4' for configuration 'weight.format': must be one of bf16, int8", e.getMessage());
        ConfigException range = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "max.loras", "0")));
        assertEquals("invalid value '0' for configuration 'max.loras': must be in [1, 1024]", range.getMessage());
    }

    @Test
    void shouldRejectInconsistentLimits() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "max.loras", "16", "max.cpu.loras", "8")));

        assertEquals("max.cpu.loras", e.key());
        assertTrue(e.getMessage().contains("must be at least max.loras (16)"), e.getMessage());
        assertThrows(ConfigException.class,
                () -> new EngineConfig(Map.of("model.dir", "/m", "max.num.seqs", "64", "max.num.batched.tokens", "32")));
    }

    @Test
    void shouldReadEnvironmentVariables() {
        EngineConfig c = EngineConfig.fromEnvironment(Map.of("max.num.seqs", "4"),
                Map.of("LORAQ_MODEL_DIR", "/env/model", "LORAQ_MAX_LORAS", "2", "LORAQ_MAX_NUM_SEQS", "99"));

        assertEquals(Path.of("/env/model"), c.modelDir());
        assertEquals(2, c.maxLoras());
        assertEquals(4, c.maxNumSeqs(), "explicit properties win over the environment");
    }

    @Test
    void shouldListEveryEngineKeyInHelpText() {
        String help = EngineConfig.DEFINITION.toHelpText();
        String markdown = EngineConfig.DEFINITION.toMarkdownTable();

        List<String> keys = List.of("model.dir", "adapters.dir", "weight.format", "weight.mmap", "backend", "max.loras",
                "max.cpu.loras", "max.lora.rank", "max.num.seqs", "max.num.batched.tokens", "kv.cache.tokens",
                "kv.block.size", "threads", "scheduling.policy", "max.queue.wait.ms", "max.model.len", "pinned.adapters",
                "max.waiting.requests", "scheduling.batch.min.share",
                "scheduling.interactive.headroom.share", "scheduling.interactive.window.ms");
        assertEquals(keys, EngineConfig.DEFINITION.keys().stream().map(ConfigDefinition.Key::key).toList());
        for (String key : keys) {
            assertTrue(help.contains(key + " (env " + ConfigDefinition.envVarName(key) + ")"), key);
            assertTrue(markdown.contains("`" + key + "`"), key);
        }
        assertTrue(help.contains("valid values: bf16, int8"), help);
    }
}
