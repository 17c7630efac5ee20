package dev.loraq.batchapi.cli;

import dev.loraq.batchapi.BatchApiServer;
import dev.loraq.batchapi.config.BatchApiConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loraq batch-api}: runs the OpenAI Batch HTTP API until the process is stopped. */
@Command(name = "batch-api", mixinStandardHelpOptions = true,
        description = "Serve the OpenAI Batch API (/v1/files, /v1/batches) over the pipeline's Kafka topics. Settings: "
                + "the batch.api.* keys below and the tools' keys (bootstrap.servers, schema.registry.url, kafka.client.*, ...); "
                + "a properties file first, then --set. Unknown keys are refused.")
public final class BatchApiCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A properties file of settings.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting, winning over the file (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The settings' reference for --help: every batch.api key with its default and doc. */
    public static String keysHelp() {
        StringBuilder b = new StringBuilder("%nSettings of the Batch API:%n");
        for (ConfigDef.ConfigKey key : List.copyOf(BatchApiConfig.CONFIG_DEF.configKeys().values())) {
            Object dflt = key.hasDefault() ? key.defaultValue : "(required)";
            b.append("  ").append(key.name).append(" (default ").append(dflt).append(")%n      ")
                    .append(key.documentation.replace("%", "%%")).append("%n");
        }
        return b.append("The tools' keys are listed in docs/configuration.md.%n").toString();
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (config != null) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(config)) {
                file.load(in);
            }
            file.stringPropertyNames().forEach(k -> settings.put(k, file.getProperty(k)));
        }
        settings.putAll(overrides);
        BatchApiServer server = BatchApiServer.start(new BatchApiConfig(settings));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "loraq-batch-api-shutdown"));
        spec.commandLine().getErr().println("loraq batch-api: listening on port " + server.port());
        spec.commandLine().getErr().flush();
        stopped.await();
        return 0;
    }
}
