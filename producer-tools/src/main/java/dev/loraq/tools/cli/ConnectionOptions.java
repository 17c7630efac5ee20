package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Properties;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: where Kafka and the registry are, and any {@link ToolsConfig} key. */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers. Default: $LORAQ_BOOTSTRAP_SERVERS, else " + ToolsConfig.BOOTSTRAP_SERVERS_DEFAULT + ".")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Confluent-compatible registry API. Default: $LORAQ_SCHEMA_REGISTRY_URL, else " + ToolsConfig.SCHEMA_REGISTRY_URL_DEFAULT + ".")
    String schemaRegistryUrl;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Any ToolsConfig setting, e.g. -c kafka.timeout.ms=5000, "
            + "a Kafka client setting under kafka.client. (kafka.client.security.protocol=SASL_SSL) or a registry client "
            + "setting (basic.auth.user.info=USER:PASSWORD) (repeatable; wins over --config-file).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--config-file", paramLabel = "FILE",
            description = "Properties file with the same keys as -c, e.g. the SASL and TLS settings, so secrets stay off the command line.")
    Path configFile;

    public ToolsConfig toolsConfig() {
        Map<String, Object> values = new HashMap<>();
        if (configFile != null) {
            values.putAll(read(configFile));
        }
        values.putAll(settings);
        if (bootstrapServers != null) {
            values.put(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            values.put(ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
        }
        return new ToolsConfig(values);
    }

    private static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --config-file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
        return values;
    }
}
