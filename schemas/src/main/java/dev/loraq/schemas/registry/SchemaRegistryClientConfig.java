package dev.loraq.schemas.registry;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of {@link RestSchemaRegistryClient} and of the Avro serdes that use it. Keys follow Confluent's names so
 * that existing client configs carry over. Unknown keys are ignored (the same map also holds Kafka client settings).
 */
public final class SchemaRegistryClientConfig extends AbstractConfig {

    public static final String URL_CONFIG = "schema.registry.url";
    private static final String URL_DOC = "Comma-separated base URLs of the Confluent-compatible registry API, e.g. "
            + "http://127.0.0.1:8080/apis/ccompat/v7 for Apicurio. On failure the next URL is tried.";

    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC = "HTTP basic credentials as user:password; empty for none.";

    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "Trust store for https registry URLs; empty uses the JDK's default trust.";
    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    private static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of the trust store.";
    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    private static final String SSL_TRUSTSTORE_TYPE_DOC = "Trust store format: PKCS12 or JKS.";
    public static final String SSL_KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
    private static final String SSL_KEYSTORE_LOCATION_DOC = "Key store with the client certificate for mutual TLS; empty for none.";
    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
    private static final String SSL_KEYSTORE_PASSWORD_DOC = "Password of the key store.";
    public static final String SSL_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
    private static final String SSL_KEYSTORE_TYPE_DOC = "Key store format: PKCS12 or JKS.";
    public static final String SSL_KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";
    private static final String SSL_KEY_PASSWORD_DOC = "Password of the private key; empty means the key store password.";

    public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";
    private static final String REQUEST_TIMEOUT_MS_DOC = "Time limit of one HTTP request (connect and response).";
    public static final String RETRIES_CONFIG = "schema.registry.retries";
    private static final String RETRIES_DOC = "Retries after a failed attempt (connection failure, timeout or 5xx); 4xx answers are never retried.";
    public static final String RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "Wait before the first retry; doubled for each further retry.";

    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    private static final String AUTO_REGISTER_SCHEMAS_DOC = "Serializer registers the record's schema under its subject on first use; "
            + "false looks the schema up and fails if it is not registered.";
    public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
    private static final String USE_LATEST_VERSION_DOC = "Serializer writes with the id of the subject's latest version instead of "
            + "registering or looking up; the record's schema must then equal that latest version.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.LambdaValidator.with(SchemaRegistryClientConfig::validateUrls, () -> "non-empty list of http:// or https:// URLs"), Importance.HIGH, URL_DOC)
            .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, "", new UserInfoValidator(), Importance.MEDIUM, BASIC_AUTH_USER_INFO_DOC)
            .define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM, SSL_TRUSTSTORE_LOCATION_DOC)
            .define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, SSL_TRUSTSTORE_PASSWORD_DOC)
            .define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ValidString.in("PKCS12", "JKS"), Importance.LOW, SSL_TRUSTSTORE_TYPE_DOC)
            .define(SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.LOW, SSL_KEYSTORE_LOCATION_DOC)
            .define(SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, SSL_KEYSTORE_PASSWORD_DOC)
            .define(SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ValidString.in("PKCS12", "JKS"), Importance.LOW, SSL_KEYSTORE_TYPE_DOC)
            .define(SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, SSL_KEY_PASSWORD_DOC)
            .define(REQUEST_TIMEOUT_MS_CONFIG, Type.INT, 10_000, Range.between(1, 600_000), Importance.MEDIUM, REQUEST_TIMEOUT_MS_DOC)
            .define(RETRIES_CONFIG, Type.INT, 3, Range.between(0, 20), Importance.MEDIUM, RETRIES_DOC)
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, Range.between(0, 60_000), Importance.LOW, RETRY_BACKOFF_MS_DOC)
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, AUTO_REGISTER_SCHEMAS_DOC)
            .define(USE_LATEST_VERSION_CONFIG, Type.BOOLEAN, false, Importance.LOW, USE_LATEST_VERSION_DOC);

    public SchemaRegistryClientConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    private static void validateUrls(String name, Object value) {
        List<?> urls = (List<?>) value;
        if (urls == null || urls.isEmpty()) {
            throw new ConfigException(name, value, "at least one registry URL is needed");
        }
        for (Object url : urls) {
            String text = url.toString().trim();
            if (!text.startsWith("http://") && !text.startsWith("https://")) {
                throw new ConfigException(name, text, "must start with http:// or https://");
            }
        }
    }

    /** Base URLs without a trailing slash. */
    public List<String> urls() {
        return getList(URL_CONFIG).stream().map(String::trim).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    public Password basicAuthUserInfo() {
        return getPassword(BASIC_AUTH_USER_INFO_CONFIG);
    }

    public int requestTimeoutMs() {
        return getInt(REQUEST_TIMEOUT_MS_CONFIG);
    }

    public int retries() {
        return getInt(RETRIES_CONFIG);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS_CONFIG);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION_CONFIG);
    }

    /** user:password with a non-empty user, or empty. */
    private static final class UserInfoValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String text = ((Password) value).value();
            if (!text.isEmpty() && text.indexOf(':') <= 0) {
                // The value is a secret: do not echo it.
                throw new ConfigException(name + " must have the form user:password");
            }
        }

        @Override
        public String toString() {
            return "user:password, or empty";
        }
    }
}
