package dev.loraq.online.cli;

import dev.loraq.engine.Engine;
import dev.loraq.engine.config.ConfigException;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.online.OnlineServer;
import dev.loraq.online.config.OnlineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code loraq-engine serve}: the OpenAI-compatible API alone, no Kafka (local use and trials). Engine and
 * {@code online.*} keys from a properties file, LORAQ_* environment variables and --set flags (later wins).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve the OpenAI-compatible HTTP API (chat/completions, completions, models, load/unload "
                + "LoRA adapters) on the multi-LoRA engine, without Kafka.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A setting; repeatable; overrides file and environment.")
    Map<String, String> settings = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The footer listing every key. */
    public static String keyReference() {
        return ("%nConfiguration keys (file, --set KEY=VALUE, or environment LORAQ_<KEY>):%n%nOnline keys:%n%n"
                + OnlineConfig.DEFINITION.toHelpText().replace("%", "%%")
                + "%nEngine keys:%n%n" + EngineConfig.DEFINITION.toHelpText().replace("%", "%%"));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> merged = new LinkedHashMap<>();
        if (configFile != null) {
            merged.putAll(fromFile(configFile));
        }
        merged.putAll(settings);
        Map<String, String> online = OnlineConfig.onlineKeys(merged);
        Map<String, String> engineKeys = new LinkedHashMap<>(merged);
        engineKeys.keySet().removeAll(online.keySet());
        OnlineConfig onlineConfig;
        EngineConfig engineConfig;
        try {
            onlineConfig = OnlineConfig.fromEnvironment(online, System.getenv());
            onlineConfig.requireServable();
            engineConfig = EngineConfig.fromEnvironment(EngineConfig.DEFINITION.withCurrentKeys(engineKeys), System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("Configuration error: " + e.getMessage());
            return 2;
        }
        Engine engine = Engine.open(engineConfig);
        OnlineServer server;
        try {
            server = OnlineServer.start(engine, onlineConfig, engineConfig.adaptersDir().orElse(null));
        } catch (RuntimeException e) {
            engine.close();
            spec.commandLine().getErr().println("Cannot start: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            stopped.countDown();
        }, "loraq-serve-shutdown"));
        spec.commandLine().getOut().println("serving on http://" + onlineConfig.listenAddress() + ":" + server.port() + "/v1");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    private Map<String, String> fromFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot read configuration file " + file + ": " + e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(n -> out.put(n.trim(), properties.getProperty(n).trim()));
        return out;
    }
}
