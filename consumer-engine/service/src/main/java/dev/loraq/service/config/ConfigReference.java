package dev.loraq.service.config;

import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;

/** The plain-text list of every key (service, schema registry client), with type, default, valid values and doc, for --help. */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String text(String engineReference) {
        return text(engineReference, "");
    }

    /** With the online API's keys ({@code onlineReference}, the engine definition's help text style) too. */
    public static String text(String engineReference, String onlineReference) {
        StringBuilder b = new StringBuilder();
        b.append("Service keys:\n\n");
        append(b, ServiceConfig.CONFIG_DEF, Set.of());
        b.append("Schema registry client keys:\n\n");
        append(b, SchemaRegistryClientConfig.CONFIG_DEF, Set.of(ServiceConfig.SCHEMA_REGISTRY_URL_CONFIG));
        b.append("Engine keys:\n\n").append(engineReference);
        if (!onlineReference.isEmpty()) {
            b.append("Online API keys (online.enabled=true):\n\n").append(onlineReference);
        }
        b.append("Kafka client overrides: ").append(ServiceConfig.CONSUMER_PREFIX).append("<key>, ")
                .append(ServiceConfig.PRODUCER_PREFIX).append("<key>, ").append(ServiceConfig.ADMIN_PREFIX)
                .append("<key> are passed to the consumer, producer and admin client (env LORAQ_KAFKA_CONSUMER_<KEY> ...).\n")
                .append("enable.auto.commit, isolation.level, transactional.id, the assignor and the serdes are fixed by the service.\n");
        return b.toString();
    }

    private static void append(StringBuilder b, ConfigDef def, Set<String> skip) {
        List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream().sorted((x, y) -> x.name.compareTo(y.name)).toList();
        for (ConfigDef.ConfigKey key : keys) {
            if (skip.contains(key.name)) {
                continue;
            }
            b.append(key.name).append(" (env ").append(ConfigSources.envName(key.name)).append(")\n");
            b.append("    ").append(key.documentation).append('\n');
            b.append("    type: ").append(key.type.name().toLowerCase()).append(", default: ")
                    .append(key.hasDefault() ? display(key) : "(required)");
            if (key.validator != null) {
                b.append(", valid values: ").append(key.validator);
            }
            b.append("\n\n");
        }
    }

    private static String display(ConfigDef.ConfigKey key) {
        Object value = key.defaultValue;
        if (value == null) {
            return "(none)";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "(hidden)";
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(Object::toString).toList())
                : value instanceof Class<?> type ? type.getName() : value.toString();
        return text.isEmpty() ? "\"\"" : text;
    }
}
