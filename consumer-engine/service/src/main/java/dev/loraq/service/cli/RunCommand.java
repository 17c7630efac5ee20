package dev.loraq.service.cli;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.service.EngineRun;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigReference;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
                + ConfigReference.text(EngineConfig.DEFINITION.toHelpText(), OnlineConfig.DEFINITION.toHelpText())
                .replace("%", "%%");
    }

    @Override
    public Integer call() throws Exception {
        ServiceConfig config;
        try {
            config = ConfigSources.load(configFile, settings, System.getenv());
        } catch (org.apache.kafka.common.config.ConfigException | dev.loraq.engine.config.ConfigException e) {
            spec.commandLine().getErr().println("Configuration error: " + e.getMessage());
            return 2;
        }
        EngineRun run;
        try {
            run = EngineRun.start(config);
        } catch (dev.loraq.engine.config.ConfigException e) {
            spec.commandLine().getErr().println("Configuration error: " + e.getMessage());
            return 2;
        }
        EngineService service = run.service();
        StopSignals.onStop(run::close);
        // Any other way the JVM ends (System.exit elsewhere, SIGHUP) still closes the service.
        Thread hook = new Thread(run::close, "loraq-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        run.awaitTermination();
        // awaitTermination returns when the loop has stopped; close() also closes the online API, engine and endpoint.
        run.close();
        if (service.failure() != null) {
            LOG.error("service stopped on error: {}", service.failure().toString());
            return 1;
        }
        LOG.info("service stopped cleanly worker={}", config.workerId());
        return 0;
    }
}
