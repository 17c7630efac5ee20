package dev.loraq.service.config;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where settings come from, lowest precedence first: a properties file, environment variables ({@value #ENV_PREFIX}
 * followed by the key upper-cased with '.' and '-' as '_', e.g. {@code LORAQ_BOOTSTRAP_SERVERS},
 * {@code LORAQ_MODEL_DIR}; Kafka overrides as {@code LORAQ_KAFKA_CONSUMER_MAX_POLL_RECORDS}), then command-line flags.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "LORAQ_";

    private ConfigSources() {
    }

    /**
     * The service's configuration from all three sources ({@code file} may be null), validated: unknown keys and bad
     * values, the engine's included, throw (Kafka's or the engine's ConfigException), naming the key.
     */
    public static ServiceConfig load(Path file, Map<String, String> flags, Map<String, String> environment) {
        Set<String> engineKeys = engineKeys();
        Set<String> known = new HashSet<>(engineKeys);
        known.addAll(ServiceConfig.CONFIG_DEF.names());
        known.addAll(SchemaRegistryClientConfig.CONFIG_DEF.names());
        OnlineConfig.DEFINITION.keys().forEach(key -> known.add(key.key()));
        // Former engine spellings (max-loras) are renamed per source, so a file and a flag cannot clash unnoticed.
        Map<String, String> fromFile = file == null ? Map.of() : EngineConfig.DEFINITION.withCurrentKeys(fromFile(file));
        Map<String, String> merged = merge(fromFile, fromEnvironment(environment, known),
                EngineConfig.DEFINITION.withCurrentKeys(flags));
        ServiceConfig config = new ServiceConfig(merged, engineKeys);
        // Engine keys are checked now too, so a bad engine value is refused before anything starts.
        EngineConfig engine = new EngineConfig(config.engineSettings());
        config.requireInFlightWithin(engine.maxWaitingRequests());
        new OnlineConfig(config.onlineSettings());
        return config;
    }

    /** The keys the engine defines; the service passes them to the engine untouched. */
    public static Set<String> engineKeys() {
        Set<String> keys = new TreeSet<>();
        EngineConfig.DEFINITION.keys().forEach(key -> keys.add(key.key()));
        return keys;
    }

    /** The key=value pairs of a properties file. */
    public static Map<String, String> fromFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file.toAbsolutePath() + ": " + e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            settings.put(name.trim(), properties.getProperty(name).trim());
        }
        return settings;
    }

    /** Settings from environment variables that name one of {@code knownKeys} or a Kafka client override. */
    public static Map<String, String> fromEnvironment(Map<String, String> environment, Set<String> knownKeys) {
        Map<String, String> byEnvName = new LinkedHashMap<>();
        for (String key : knownKeys) {
            byEnvName.put(envName(key), key);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            String name = entry.getKey();
            String key = byEnvName.get(name);
            if (key != null) {
                settings.put(key, entry.getValue());
                continue;
            }
            for (String prefix : new String[] {ServiceConfig.CONSUMER_PREFIX, ServiceConfig.PRODUCER_PREFIX, ServiceConfig.ADMIN_PREFIX}) {
                String envPrefix = envName(prefix);
                if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
                    settings.put(prefix + name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), entry.getValue());
                }
            }
        }
        return settings;
    }

    /** The environment variable that sets a key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Later maps override earlier ones. */
    @SafeVarargs
    public static Map<String, String> merge(Map<String, String>... layers) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (Map<String, String> layer : layers) {
            merged.putAll(layer);
        }
        return merged;
    }
}
