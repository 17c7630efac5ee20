package dev.loraq.service.cli;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigReference;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loraq-engine run}: the Kafka consumer service. Settings from a properties file, LORAQ_* environment
 * variables and --set flags (later wins). SIGTERM shuts down gracefully.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Consume PromptRequest records, run them through the multi-LoRA engine and write completions "
                + "to per-tenant topics, exactly once.")
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A setting; repeatable; overrides file and environment.")
    Map<String, String> settings = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The footer listing every key; computed when the command is built so that --help shows it. */
    public static String keyReference() {
        return "%nConfiguration keys (file, --set KEY=VALUE, or environment LORAQ_<KEY>):%n%n"
                + ConfigReference.text(EngineConfig.DEFINITION.toHelpText()).replace("%", "%%");
    }

    @Override
    public Integer call() throws Exception {
        ServiceConfig config;
        try {
            config = loadConfig(configFile, settings, System.getenv());
        } catch (org.apache.kafka.common.config.ConfigException | dev.loraq.engine.config.ConfigException e) {
            spec.commandLine().getErr().println("Configuration error: " + e.getMessage());
            return 2;
        }
        LocalEngine engine;
        try {
            engine = LocalEngine.open(config.engineSettings());
        } catch (dev.loraq.engine.config.ConfigException e) {
            spec.commandLine().getErr().println("Configuration error: " + e.getMessage());
            return 2;
        }
        EngineService service = EngineService.start(config, engine);
        StopSignals.onStop(service::close);
        // Any other way the JVM ends (System.exit elsewhere, SIGHUP) still closes the service.
        Thread hook = new Thread(service::close, "loraq-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.awaitTermination();
        // awaitTermination returns when the loop has stopped; close() also closes the engine and endpoint.
        service.close();
        if (service.failure() != null) {
            LOG.error("service stopped on error: {}", service.failure().toString());
            return 1;
        }
        LOG.info("service stopped cleanly worker={}", config.workerId());
        return 0;
    }

    /** Merges file, environment and flags and validates them; unknown keys and bad values throw, naming the key. */
    public static ServiceConfig loadConfig(Path file, Map<String, String> flags, Map<String, String> environment) {
        Set<String> engineKeys = LocalEngine.configKeys();
        Set<String> known = new HashSet<>(engineKeys);
        known.addAll(ServiceConfig.CONFIG_DEF.names());
        known.addAll(dev.loraq.schemas.registry.SchemaRegistryClientConfig.CONFIG_DEF.names());
        Map<String, String> fromFile = file == null ? Map.of() : ConfigSources.fromFile(file);
        Map<String, String> merged = ConfigSources.merge(fromFile, ConfigSources.fromEnvironment(environment, known), flags);
        ServiceConfig config = new ServiceConfig(merged, engineKeys);
        // Engine keys are checked now too, so a bad engine value is refused before anything starts.
        EngineConfig engine = new EngineConfig(config.engineSettings());
        config.requireInFlightWithin(engine.maxWaitingRequests());
        return config;
    }
}
