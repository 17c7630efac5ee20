package dev.loraq.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.service.output.DeadLetterEveryFailure;
import dev.loraq.service.output.DefaultRecordErrorHandler;
import dev.loraq.service.output.ErrorOutcome;
import dev.loraq.service.output.RecordErrorHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap.servers", "127.0.0.1:9092");
        raw.put("schema.registry.url", "http://127.0.0.1:8080/apis/ccompat/v7");
        return raw;
    }

    @Test
    void shouldApplyDefaults() {
        ServiceConfig config = new ServiceConfig(minimal(), Set.of());
        assertEquals("loraq-engine", config.groupId());
        assertEquals("loraq.prompts", config.inputTopic());
        assertEquals("loraq.completions.{tenant}", config.outputTopicPattern());
        assertEquals("loraq.dlq", config.dlqTopic());
        assertEquals("127.0.0.1", config.metricsHost());
        assertTrue(config.topicsAutoCreate());
    }

    @Test
    void shouldRefuseUnknownKeyNamingIt() {
        Map<String, String> raw = minimal();
        raw.put("comit.interval.ms", "100");
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceConfig(raw, Set.of()));
        assertTrue(e.getMessage().contains("comit.interval.ms"), e.getMessage());
    }

    @Test
    void shouldRefuseBadValueNamingKey() {
        Map<String, String> raw = minimal();
        raw.put("max.queued.records", "-3");
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceConfig(raw, Set.of()));
        assertTrue(e.getMessage().contains("max.queued.records"), e.getMessage());
    }

    @Test
    void shouldRefuseOutputPatternWithoutTenant() {
        Map<String, String> raw = minimal();
        raw.put("output.topic.pattern", "loraq.completions");
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceConfig(raw, Set.of()));
        assertTrue(e.getMessage().contains("output.topic.pattern"), e.getMessage());
    }

    @Test
    void shouldRefuseOutputPatternThatIsNoTopicNameNamingKeyAndProblem() {
        Map<String, String> raw = minimal();
        raw.put("output.topic.pattern", "loraq/completions.{tenant}");
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceConfig(raw, Set.of()));
        assertTrue(e.getMessage().contains("output.topic.pattern") && e.getMessage().contains("characters of topic names"), e.getMessage());
    }

    @Test
    void shouldPassThroughClientOverridesAndEngineKeys() {
        Map<String, String> raw = minimal();
        raw.put("kafka.consumer.max.poll.records", "7");
        raw.put("max.loras", "4");
        ServiceConfig config = new ServiceConfig(raw, Set.of("max.loras"));
        assertEquals(Map.of("max.poll.records", "7"), config.clientOverrides(ServiceConfig.CONSUMER_PREFIX));
        assertEquals(Map.of("max.loras", "4"), config.engineSettings());
    }

    @Test
    void shouldLayerFileEnvironmentAndFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("engine.properties");
        Files.writeString(file, "bootstrap.servers=file:1\nschema.registry.url=http://file\ngroup.id=from-file\nmodel.dir=/models/a\ninput.topic=file-topic\n");
        Map<String, String> env = Map.of("LORAQ_GROUP_ID", "from-env", "LORAQ_MAX_LORAS", "4", "LORAQ_KAFKA_PRODUCER_LINGER_MS", "9",
                "LORAQ_JAVA_OPTS", "-Xmx1g");
        ServiceConfig config = ConfigSources.load(file, Map.of("group.id", "from-flag"), env);
        assertEquals("from-flag", config.groupId());
        assertEquals("file-topic", config.inputTopic());
        assertEquals("4", config.engineSettings().get("max.loras"));
        assertEquals("/models/a", config.engineSettings().get("model.dir"));
        assertEquals(Map.of("linger.ms", "9"), config.clientOverrides(ServiceConfig.PRODUCER_PREFIX));
    }

    @Test
    void shouldAcceptFormerEngineSpellingsInFilesAndFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("engine.properties");
        Files.writeString(file, "bootstrap.servers=file:1\nschema.registry.url=http://file\nmax-cpu-loras=12\n");
        Map<String, String> flags = Map.of("model-dir", "/models/a", "max-loras", "3");
        ServiceConfig config = ConfigSources.load(file, flags, Map.of());
        assertEquals(Map.of("model.dir", "/models/a", "max.loras", "3", "max.cpu.loras", "12"), config.engineSettings());
    }

    @Test
    void shouldRefuseBadEngineValueNamingKey() {
        Map<String, String> flags = new HashMap<>(minimal());
        flags.put("model.dir", "/models/a");
        flags.put("max.loras", "0");
        RuntimeException e = assertThrows(RuntimeException.class, () -> ConfigSources.load(null, flags, Map.of()));
        assertTrue(e.getMessage().contains("max.loras"), e.getMessage());
    }

    @Test
    void shouldRefuseMoreRecordsInFlightThanTheEngineLetsWait() {
        Map<String, String> raw = minimal();
        raw.put("max.queued.records", "4000");
        ServiceConfig config = new ServiceConfig(raw, Set.of());
        assertEquals(500, config.consumerMaxPollRecords());
        assertEquals(4499, config.maxRecordsInFlight(), "3999 before the pause, then one more poll of 500");
        ConfigException e = assertThrows(ConfigException.class, () -> config.requireInFlightWithin(4096));
        for (String named : new String[] {"max.queued.records (4000)", "4499", "kafka.consumer.max.poll.records 500",
                "max.waiting.requests (4096)"}) {
            assertTrue(e.getMessage().contains(named), "names " + named + ": " + e.getMessage());
        }
        config.requireInFlightWithin(4499);

        raw.put("kafka.consumer.max.poll.records", "97");
        ServiceConfig smallPolls = new ServiceConfig(raw, Set.of());
        assertEquals(97, smallPolls.consumerMaxPollRecords());
        smallPolls.requireInFlightWithin(4096);

        ServiceConfig defaults = new ServiceConfig(minimal(), Set.of());
        assertEquals(1011, defaults.maxRecordsInFlight());
        defaults.requireInFlightWithin(4096);
    }

    @Test
    void shouldCheckTheEngineWaitingBoundWhenLoading() {
        Map<String, String> flags = new HashMap<>(minimal());
        flags.put("model-dir", "/models/a");
        flags.put("max.waiting.requests", "1010");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSources.load(null, flags, Map.of()));
        assertTrue(e.getMessage().contains("max.queued.records (512)") && e.getMessage().contains("max.waiting.requests (1010)"),
                e.getMessage());
        flags.put("max.waiting.requests", "1011");
        assertEquals(1011, ConfigSources.load(null, flags, Map.of()).maxRecordsInFlight());
    }

    @Test
    void shouldRefuseANonNumericMaxPollRecordsNamingIt() {
        Map<String, String> raw = minimal();
        raw.put("kafka.consumer.max.poll.records", "many");
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceConfig(raw, Set.of()).consumerMaxPollRecords());
        assertTrue(e.getMessage().contains("kafka.consumer.max.poll.records"), e.getMessage());
    }

    @Test
    void shouldListEveryKeyInHelp() {
        String help = dev.loraq.service.cli.LoraqEngineCli.commandLine().getSubcommands().get("run").getUsageMessage();
        for (String key : ServiceConfig.CONFIG_DEF.names()) {
            assertTrue(help.contains(key + " (env "), "help lacks " + key);
        }
        assertTrue(help.contains("max.loras"), "help lacks the engine's keys");
        assertTrue(help.contains("default: loraq.prompts"), "help lacks defaults");
    }

    @Test
    void shouldUseTheDefaultRecordErrorHandlerWhenNoneIsNamed() {
        assertInstanceOf(DefaultRecordErrorHandler.class, new ServiceConfig(minimal(), Set.of()).recordErrorHandler());
    }

    @Test
    void shouldMakeTheRecordErrorHandlerNamedByClassAndGiveItTheSettings() {
        Map<String, String> raw = minimal();
        raw.put("record.error.handler", DeadLetterEveryFailure.class.getName());
        raw.put("worker.id", "engine-7");
        RecordErrorHandler handler = new ServiceConfig(raw, Set.of()).recordErrorHandler();
        PromptRequest request = new PromptRequest();
        request.setRequestId("r-1");
        ErrorOutcome outcome = handler.onFailure(request, new IllegalStateException("boom"));
        ErrorOutcome.DeadLetter letter = assertInstanceOf(ErrorOutcome.DeadLetter.class, outcome);
        assertEquals(DeadLetterEveryFailure.CODE, letter.code());
        assertTrue(letter.message().startsWith("worker engine-7 set request r-1 aside"), letter.message());
    }

    @Test
    void shouldRefuseAnUnknownRecordErrorHandlerClassNamingTheKey() {
        assertRefused("dev.loraq.service.output.NoSuchHandler", "could not be found");
    }

    @Test
    void shouldRefuseARecordErrorHandlerClassThatDoesNotImplementTheInterface() {
        assertRefused("java.lang.String", "does not implement dev.loraq.service.output.RecordErrorHandler");
    }

    @Test
    void shouldRefuseARecordErrorHandlerWithoutAPublicNoArgumentConstructor() {
        assertRefused(NeedsAnArgument.class.getName(), "has no public no-argument constructor");
    }

    private static void assertRefused(String className, String why) {
        Map<String, String> raw = minimal();
        raw.put("record.error.handler", className);
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceConfig(raw, Set.of()));
        assertTrue(e.getMessage().contains("record.error.handler") && e.getMessage().contains(className) && e.getMessage().contains(why),
                e.getMessage());
    }

    /** A handler the service cannot make on its own. */
    public static final class NeedsAnArgument implements RecordErrorHandler {

        public NeedsAnArgument(String code) {
        }

        @Override
        public ErrorOutcome onFailure(PromptRequest request, Throwable failure) {
            return new ErrorOutcome.ErrorCompletion("never", "never");
        }
    }
}
