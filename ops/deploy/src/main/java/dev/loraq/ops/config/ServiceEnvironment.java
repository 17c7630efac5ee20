package dev.loraq.ops.config;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The {@code LORAQ_*} environment variables {@code loraq-engine run} reads, mapped back to configuration keys the
 * same way {@link ConfigSources} maps keys to variables. The service ignores a variable that names no key, so a
 * misspelt variable in a deployment file would silently fall back to the default; {@link #problems} finds those.
 */
public final class ServiceEnvironment {

    /** Read by the {@code bin/} launchers (extra JVM flags), not a configuration key. */
    public static final String JAVA_OPTS_VARIABLE = "LORAQ_JAVA_OPTS";
    /** Read by the {@code bin/} launchers (the heap: -Xms and -Xmx), not a configuration key. */
    public static final String HEAP_VARIABLE = "LORAQ_HEAP";

    /** Which component defines a key. */
    public enum Owner { SERVICE, SCHEMA_REGISTRY_CLIENT, ENGINE, KAFKA_CONSUMER, KAFKA_PRODUCER, KAFKA_ADMIN }

    /** What one variable sets. */
    public record Setting(String variable, String key, Owner owner) {
    }

    private static final Map<String, Setting> BY_VARIABLE = byVariable();

    private ServiceEnvironment() {
    }

    private static Map<String, Setting> byVariable() {
        Map<String, Setting> map = new TreeMap<>();
        // Registry keys first: schema.registry.url is defined by both, and the service's definition is the one used.
        SchemaRegistryClientConfig.CONFIG_DEF.names().forEach(key -> put(map, key, Owner.SCHEMA_REGISTRY_CLIENT));
        ServiceConfig.CONFIG_DEF.names().forEach(key -> put(map, key, Owner.SERVICE));
        EngineConfig.DEFINITION.keys().forEach(key -> put(map, key.key(), Owner.ENGINE));
        return Map.copyOf(map);
    }

    private static void put(Map<String, Setting> map, String key, Owner owner) {
        String variable = ConfigSources.envName(key);
        map.put(variable, new Setting(variable, key, owner));
    }

    /** Every variable that sets a key of the service, the schema registry client or the engine, by name. */
    public static Map<String, Setting> knownVariables() {
        return BY_VARIABLE;
    }

    /**
     * The key a variable sets: a service, registry client or engine key, or a Kafka client override
     * ({@code LORAQ_KAFKA_CONSUMER_MAX_POLL_RECORDS} = {@code kafka.consumer.max.poll.records}) whose key the Kafka
     * client really defines. Empty for anything else, including {@link #JAVA_OPTS_VARIABLE}.
     */
    public static Optional<Setting> resolve(String variable) {
        Setting known = BY_VARIABLE.get(variable);
        if (known != null) {
            return Optional.of(known);
        }
        return override(variable, ServiceConfig.CONSUMER_PREFIX, ConsumerConfig.configNames(), Owner.KAFKA_CONSUMER)
                .or(() -> override(variable, ServiceConfig.PRODUCER_PREFIX, ProducerConfig.configNames(), Owner.KAFKA_PRODUCER))
                .or(() -> override(variable, ServiceConfig.ADMIN_PREFIX, AdminClientConfig.configNames(), Owner.KAFKA_ADMIN));
    }

    private static Optional<Setting> override(String variable, String prefix, Set<String> clientKeys, Owner owner) {
        String variablePrefix = ConfigSources.envName(prefix);
        if (!variable.startsWith(variablePrefix) || variable.length() == variablePrefix.length()) {
            return Optional.empty();
        }
        // The same translation as ConfigSources.fromEnvironment.
        String clientKey = variable.substring(variablePrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return clientKeys.contains(clientKey) ? Optional.of(new Setting(variable, prefix + clientKey, owner)) : Optional.empty();
    }

    /**
     * What is wrong with the variables an engine deployment sets, one line per problem naming the variable (or the
     * key and value, for a value the configuration refuses); empty when {@code loraq-engine run} would accept them.
     * Variables without the {@code LORAQ_} prefix are problems too: the engine is configured through its own
     * variables only.
     *
     * @param variables variable name to value, as a deployment file sets them
     * @param origin where they come from, for the messages (file and service name)
     */
    public static List<String> problems(Map<String, String> variables, String origin) {
        List<String> problems = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(variables).entrySet()) {
            String variable = entry.getKey();
            if (variable.equals(JAVA_OPTS_VARIABLE) || variable.equals(HEAP_VARIABLE)) {
                continue;
            }
            if (!variable.startsWith(ConfigSources.ENV_PREFIX)) {
                problems.add(origin + ": " + variable + " is not a " + ConfigSources.ENV_PREFIX + "* variable; configure the engine through its own variables");
                continue;
            }
            Optional<Setting> setting = resolve(variable);
            if (setting.isEmpty()) {
                problems.add(origin + ": " + variable + " names no configuration key (the engine would ignore it); see docs/configuration.md");
            } else {
                settings.put(variable, entry.getValue());
            }
        }
        if (problems.isEmpty()) {
            try {
                // The service's own loading path: refuses missing required keys and invalid values, naming them.
                ConfigSources.load(null, Map.of(), settings);
            } catch (org.apache.kafka.common.config.ConfigException | dev.loraq.engine.config.ConfigException e) {
                problems.add(origin + ": the engine refuses these settings: " + e.getMessage());
            }
        }
        return problems;
    }
}
