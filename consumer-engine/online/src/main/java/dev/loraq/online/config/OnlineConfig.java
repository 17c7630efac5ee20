package dev.loraq.online.config;

import dev.loraq.engine.config.ConfigDefinition;
import dev.loraq.engine.config.ConfigException;
import dev.loraq.engine.config.ConfigValues;
import dev.loraq.engine.config.Validator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.loraq.engine.config.ConfigDefinition.Type.BOOLEAN;
import static dev.loraq.engine.config.ConfigDefinition.Type.INT;
import static dev.loraq.engine.config.ConfigDefinition.Type.LIST;
import static dev.loraq.engine.config.ConfigDefinition.Type.LONG;
import static dev.loraq.engine.config.ConfigDefinition.Type.PATH;
import static dev.loraq.engine.config.ConfigDefinition.Type.STRING;

/**
 * The online front door's configuration: every key starts with {@value #PREFIX}. Parsed the engine's way
 * ({@link ConfigDefinition}: unknown keys and bad values refused, naming the key).
 */
public final class OnlineConfig {

    public static final String PREFIX = "online.";

    public static final String ENABLED = "online.enabled";
    public static final String LISTEN_ADDRESS = "online.listen.address";
    public static final String PORT = "online.port";
    public static final String AUTH = "online.auth";
    public static final String API_KEYS_FILE = "online.api.keys.file";
    public static final String API_KEYS_RELOAD_MS = "online.api.keys.reload.ms";
    public static final String ADAPTER_TENANTS = "online.adapter.tenants";
    public static final String ADAPTER_TENANT_SEPARATOR = "online.adapter.tenant.separator";
    public static final String ADAPTER_ROOTS = "online.adapter.roots";
    public static final String MODEL_NAME = "online.model.name";
    public static final String MAX_BODY_BYTES = "online.max.body.bytes";
    public static final String MAX_N = "online.max.n";
    public static final String DEFAULT_MAX_TOKENS = "online.default.max.tokens";
    public static final String RETRY_AFTER_SECONDS = "online.retry.after.seconds";

    /** online.auth: keys required. */
    public static final String AUTH_REQUIRED = "required";
    /** online.auth: no keys, every caller may use every adapter and load/unload (local use only). */
    public static final String AUTH_OFF = "off";

    public static final ConfigDefinition DEFINITION = new ConfigDefinition()
            .define(ENABLED, BOOLEAN, false, null,
                    "Whether loraq-engine run also serves the OpenAI-compatible HTTP API on the same engine "
                            + "(loraq-engine serve always does).")
            .define(LISTEN_ADDRESS, STRING, "127.0.0.1", Validator.nonEmpty(),
                    "Address the HTTP API binds to; 127.0.0.1 keeps it on this machine (docs/security.md before "
                            + "widening it).")
            .define(PORT, INT, 8000, Validator.range(0, 65535), "TCP port of the HTTP API; 0 = any free port.")
            .define(AUTH, STRING, AUTH_REQUIRED, Validator.oneOf(AUTH_REQUIRED, AUTH_OFF),
                    "required: every request needs an API key of online.api.keys.file (Authorization: Bearer KEY); "
                            + "off: no keys, every caller may use every adapter and load or unload adapters "
                            + "(local use only; set explicitly).")
            .define(API_KEYS_FILE, PATH, null, null,
                    "The API keys: one line per key, 'SHA256-HEX TENANT [admin]' (the SHA-256 of the key in hex, "
                            + "the tenant it acts for, admin for operator keys that may load and unload adapters); "
                            + "# starts a comment. Re-read when it changes, without restart. Required when "
                            + "online.auth=required.")
            .define(API_KEYS_RELOAD_MS, LONG, 2000L, Validator.range(0, 3_600_000),
                    "How often, at most, the keys file is checked for changes (on requests); 0 = on every request.")
            .define(ADAPTER_TENANTS, LIST, "", null,
                    "Adapter-to-tenant mapping, ADAPTER=TENANT,...: the tenant that may use each adapter; wins "
                            + "over the naming rule.")
            .define(ADAPTER_TENANT_SEPARATOR, STRING, ".", null,
                    "Naming rule for adapters not in online.adapter.tenants: an adapter id TENANT<separator>NAME "
                            + "belongs to TENANT (acme.support belongs to acme); empty = no naming rule. Adapters "
                            + "of no tenant are usable by admin keys only.")
            .define(ADAPTER_ROOTS, LIST, "", null,
                    "Folders lora_path of load_lora_adapter must lie in (after following links); empty = the "
                            + "engine's adapters.dir.")
            .define(MODEL_NAME, STRING, "", null,
                    "The base model's name in requests and /v1/models; empty = the model folder's name.")
            .define(MAX_BODY_BYTES, INT, 1 << 20, Validator.range(1024, 1 << 30),
                    "Largest request body accepted; larger ones get 413.")
            .define(MAX_N, INT, 8, Validator.range(1, 128), "Largest n (choices per request) accepted.")
            .define(DEFAULT_MAX_TOKENS, INT, 256, Validator.range(1, 1 << 20),
                    "max_tokens of a request that sets neither max_tokens nor max_completion_tokens.")
            .define(RETRY_AFTER_SECONDS, INT, 1, Validator.range(0, 3600),
                    "Retry-After of a 429 answered when the engine's admission is full (max.waiting.requests).");

    private final ConfigValues values;

    /**
     * Parses the online keys.
     *
     * @throws ConfigException naming the key when a key is unknown or a value invalid
     */
    public OnlineConfig(Map<String, ?> props) {
        this(DEFINITION.parse(props));
    }

    private OnlineConfig(ConfigValues values) {
        this.values = values;
        if (enabled()) {
            requireServable();
        }
        adapterTenants();
    }

    /**
     * Checks what serving needs (run with online.enabled=true checks it at parse time; serve when it starts).
     *
     * @throws ConfigException when keys are required and no keys file is set
     */
    public void requireServable() {
        if (authRequired() && apiKeysFile().isEmpty()) {
            throw new ConfigException(API_KEYS_FILE, "configuration '" + API_KEYS_FILE + "' is required when "
                    + AUTH + "=" + AUTH_REQUIRED + " (set " + AUTH + "=" + AUTH_OFF + " explicitly for local use "
                    + "without keys)");
        }
    }

    /** The environment's {@code LORAQ_ONLINE_*} variables overlaid by explicit properties. */
    public static OnlineConfig fromEnvironment(Map<String, ?> props, Map<String, String> env) {
        return new OnlineConfig(DEFINITION.parse(props, env));
    }

    /** The entries of {@code settings} whose key starts with {@value #PREFIX}. */
    public static <V> Map<String, V> onlineKeys(Map<String, V> settings) {
        Map<String, V> online = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                online.put(k, v);
            }
        });
        return online;
    }

    public boolean enabled() {
        return values.getBoolean(ENABLED);
    }

    public String listenAddress() {
        return values.getString(LISTEN_ADDRESS);
    }

    public int port() {
        return values.getInt(PORT);
    }

    public boolean authRequired() {
        return AUTH_REQUIRED.equals(values.getString(AUTH));
    }

    public Optional<Path> apiKeysFile() {
        return values.getPath(API_KEYS_FILE);
    }

    public long apiKeysReloadMs() {
        return values.getLong(API_KEYS_RELOAD_MS);
    }

    /** Adapter id to tenant id, as online.adapter.tenants lists them. */
    public Map<String, String> adapterTenants() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : values.getList(ADAPTER_TENANTS)) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new ConfigException(ADAPTER_TENANTS, "invalid value '" + entry + "' in configuration '"
                        + ADAPTER_TENANTS + "': expected ADAPTER=TENANT");
            }
            map.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return map;
    }

    public String adapterTenantSeparator() {
        return values.getString(ADAPTER_TENANT_SEPARATOR);
    }

    public List<Path> adapterRoots() {
        return values.getList(ADAPTER_ROOTS).stream().map(Path::of).toList();
    }

    public String modelName() {
        return values.getString(MODEL_NAME);
    }

    public int maxBodyBytes() {
        return values.getInt(MAX_BODY_BYTES);
    }

    public int maxN() {
        return values.getInt(MAX_N);
    }

    public int defaultMaxTokens() {
        return values.getInt(DEFAULT_MAX_TOKENS);
    }

    public int retryAfterSeconds() {
        return values.getInt(RETRY_AFTER_SECONDS);
    }
}
