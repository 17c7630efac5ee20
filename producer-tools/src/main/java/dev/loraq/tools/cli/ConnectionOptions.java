package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import java.util.HashMap;
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

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Any ToolsConfig setting, e.g. -c kafka.timeout.ms=5000 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    public ToolsConfig toolsConfig() {
        Map<String, Object> values = new HashMap<>(settings);
        if (bootstrapServers != null) {
            values.put(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            values.put(ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
        }
        return new ToolsConfig(values);
    }
}
