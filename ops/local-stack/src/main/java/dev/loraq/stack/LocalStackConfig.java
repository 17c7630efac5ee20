package dev.loraq.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of the embedded local stack (broker + registry). */
public final class LocalStackConfig extends AbstractConfig {

    public static final String DATA_DIR_CONFIG = "data.dir";
    private static final String DATA_DIR_DOC = "Folder for broker data and the registry log. Empty: a new temporary "
            + "folder that is deleted on close. A given folder is kept, and a broker restarted on it keeps its topics.";

    public static final String KAFKA_PORT_CONFIG = "kafka.port";
    private static final String KAFKA_PORT_DOC = "Port of the broker's PLAINTEXT listener on 127.0.0.1; 0 picks a free one.";

    public static final String KAFKA_SECURITY_CONFIG = "kafka.security";
    private static final String KAFKA_SECURITY_DOC = "none: PLAINTEXT, no authentication, no authorizer. sasl: SASL/PLAIN "
            + "(SASL_PLAINTEXT on 127.0.0.1) with the users of kafka.sasl.users, the StandardAuthorizer, "
            + "allow.everyone.if.no.acl.found=false and kafka.sasl.super.user as the only super user.";

    public static final String KAFKA_SASL_SUPER_USER_CONFIG = "kafka.sasl.super.user";
    private static final String KAFKA_SASL_SUPER_USER_DOC = "With kafka.security=sasl: the super user (all rights; also the "
            + "broker's own identity). Use it to write ACLs.";

    public static final String KAFKA_SASL_SUPER_PASSWORD_CONFIG = "kafka.sasl.super.password";
    private static final String KAFKA_SASL_SUPER_PASSWORD_DOC = "Password of the super user; empty: a random one, printed at start.";

    public static final String KAFKA_SASL_USERS_CONFIG = "kafka.sasl.users";
    private static final String KAFKA_SASL_USERS_DOC = "With kafka.security=sasl: further users as name:password, comma-separated. "
            + "They have no rights until ACLs grant them some.";

    public static final String REGISTRY_PORT_CONFIG = "registry.port";
    private static final String REGISTRY_PORT_DOC = "HTTP port of the schema registry on 127.0.0.1; 0 picks a free one.";

    public static final String REGISTRY_STARTUP_TIMEOUT_MS_CONFIG = "registry.startup.timeout.ms";
    private static final String REGISTRY_STARTUP_TIMEOUT_MS_DOC = "How long to wait for the registry's ccompat API "
            + "to answer 200 before giving up.";

    public static final String REGISTRY_HEAP_MB_CONFIG = "registry.heap.mb";
    private static final String REGISTRY_HEAP_MB_DOC = "Maximum heap (-Xmx) of the registry's child JVM, in MiB.";

    public static final String APICURIO_ARCHIVE_CONFIG = "apicurio.archive";
    private static final String APICURIO_ARCHIVE_DOC = "Path of apicurio-registry-app-<version>-all.tar.gz. Empty: the "
            + "path Maven recorded at build time (system property loraq.apicurio.archive overrides it).";

    public static final String CACHE_DIR_CONFIG = "cache.dir";
    private static final String CACHE_DIR_DOC = "Folder where the registry archive is extracted once per version. "
            + "Empty: $XDG_CACHE_HOME/loraq or ~/.cache/loraq.";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(DATA_DIR_CONFIG, Type.STRING, "", Importance.MEDIUM, DATA_DIR_DOC)
            .define(KAFKA_PORT_CONFIG, Type.INT, 0, Range.between(0, 65535), Importance.HIGH, KAFKA_PORT_DOC)
            .define(KAFKA_SECURITY_CONFIG, Type.STRING, "none", ConfigDef.ValidString.in("none", "sasl"), Importance.MEDIUM, KAFKA_SECURITY_DOC)
            .define(KAFKA_SASL_SUPER_USER_CONFIG, Type.STRING, BrokerSecurity.DEFAULT_SUPER_USER, new ConfigDef.NonEmptyString(),
                    Importance.LOW, KAFKA_SASL_SUPER_USER_DOC)
            .define(KAFKA_SASL_SUPER_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, KAFKA_SASL_SUPER_PASSWORD_DOC)
            .define(KAFKA_SASL_USERS_CONFIG, Type.LIST, "", Importance.LOW, KAFKA_SASL_USERS_DOC)
            .define(REGISTRY_PORT_CONFIG, Type.INT, 0, Range.between(0, 65535), Importance.HIGH, REGISTRY_PORT_DOC)
            .define(REGISTRY_STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, 90_000L, Range.atLeast(1_000L), Importance.LOW,
                    REGISTRY_STARTUP_TIMEOUT_MS_DOC)
            .define(REGISTRY_HEAP_MB_CONFIG, Type.INT, 384, Range.atLeast(128), Importance.LOW, REGISTRY_HEAP_MB_DOC)
            .define(APICURIO_ARCHIVE_CONFIG, Type.STRING, "", Importance.LOW, APICURIO_ARCHIVE_DOC)
            .define(CACHE_DIR_CONFIG, Type.STRING, "", Importance.LOW, CACHE_DIR_DOC);

    public LocalStackConfig(Map<String, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /** All defaults: temporary data, free ports. */
    public static LocalStackConfig defaults() {
        return new LocalStackConfig(Map.of());
    }

    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    public Optional<Path> dataDir() {
        return optionalPath(DATA_DIR_CONFIG);
    }

    public int kafkaPort() {
        return getInt(KAFKA_PORT_CONFIG);
    }

    /** The broker's security from kafka.security and the kafka.sasl.* keys. */
    public BrokerSecurity kafkaSecurity() {
        if (getString(KAFKA_SECURITY_CONFIG).equals("none")) {
            return BrokerSecurity.none();
        }
        Map<String, String> users = new java.util.LinkedHashMap<>();
        for (String entry : getList(KAFKA_SASL_USERS_CONFIG)) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new org.apache.kafka.common.config.ConfigException(KAFKA_SASL_USERS_CONFIG
                        + " entries must be name:password; one is not (" + entry.substring(0, Math.max(0, colon)) + "...)");
            }
            users.put(entry.substring(0, colon).trim(), entry.substring(colon + 1));
        }
        String superUser = getString(KAFKA_SASL_SUPER_USER_CONFIG).trim();
        String superPassword = getPassword(KAFKA_SASL_SUPER_PASSWORD_CONFIG).value();
        if (!superPassword.isEmpty()) {
            users.put(superUser, superPassword);
        }
        try {
            return BrokerSecurity.saslPlain(superUser, users);
        } catch (IllegalArgumentException e) {
            throw new org.apache.kafka.common.config.ConfigException(e.getMessage());
        }
    }

    public int registryPort() {
        return getInt(REGISTRY_PORT_CONFIG);
    }

    public Duration registryStartupTimeout() {
        return Duration.ofMillis(getLong(REGISTRY_STARTUP_TIMEOUT_MS_CONFIG));
    }

    public int registryHeapMb() {
        return getInt(REGISTRY_HEAP_MB_CONFIG);
    }

    public Optional<Path> apicurioArchive() {
        return optionalPath(APICURIO_ARCHIVE_CONFIG);
    }

    public Optional<Path> cacheDir() {
        return optionalPath(CACHE_DIR_CONFIG);
    }

    private Optional<Path> optionalPath(String key) {
        String value = getString(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
    }
}
