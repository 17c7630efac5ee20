package dev.loraq.batchapi.config;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.tools.config.ToolsConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Batch HTTP API's settings: its own {@code batch.api.*} keys (listener, API keys, limits, the files topic) beside
 * the tools' keys ({@link ToolsConfig}: brokers, registry, timeouts, {@code kafka.client.*}), which it passes on to
 * the submit, collect and lifecycle code it runs. Any other key is refused, naming it.
 */
public final class BatchApiConfig extends AbstractConfig {

    public static final String PREFIX = "batch.api.";

    public static final String LISTEN_ADDRESS_CONFIG = "batch.api.listen.address";
    private static final String LISTEN_ADDRESS_DOC = "Address the Batch API listens on. The loopback address by default: "
            + "set 0.0.0.0 (or one interface) only behind TLS termination and a firewall, see docs/security.md.";
    public static final String PORT_CONFIG = "batch.api.port";
    private static final String PORT_DOC = "Port of the Batch API; 0 picks a free one (logged at start).";
    public static final String KEYS_FILE_CONFIG = "batch.api.keys.file";
    private static final String KEYS_FILE_DOC = "The API keys file: one line per key, 'SHA256-HEX TENANT', the same format as "
            + "the online API's online.api.keys.file (docs/online.md); a key acts for its tenant and sees only that tenant's "
            + "files and batches. Required: the Batch API has no mode without keys.";
    public static final String KEYS_RELOAD_MS_CONFIG = "batch.api.keys.reload.ms";
    private static final String KEYS_RELOAD_MS_DOC = "How often, at most, the keys file is checked for changes (keys are "
            + "added and revoked without a restart).";
    public static final String MAX_UPLOAD_BYTES_CONFIG = "batch.api.max.upload.bytes";
    private static final String MAX_UPLOAD_BYTES_DOC = "Largest upload to POST /v1/files (the whole multipart body); larger "
            + "ones get a 413. The file is held in memory while it is validated and stored.";
    public static final String MAX_BODY_BYTES_CONFIG = "batch.api.max.body.bytes";
    private static final String MAX_BODY_BYTES_DOC = "Largest JSON request body (POST /v1/batches); larger ones get a 413.";
    public static final String FILES_TOPIC_CONFIG = "batch.api.files.topic";
    private static final String FILES_TOPIC_DOC = "The compacted topic holding uploaded files (loraq topics --create makes "
            + PipelineTopics.BATCH_FILES + "). Every server instance reads and writes the same topic, so any of them "
            + "serves any file.";
    public static final String FILE_CHUNK_BYTES_CONFIG = "batch.api.file.chunk.bytes";
    private static final String FILE_CHUNK_BYTES_DOC = "A file is stored as records of at most this many bytes, below the "
            + "broker's message.max.bytes (1 MiB by default) and the producer's max.request.size.";
    public static final String COLLECT_TIMEOUT_MS_CONFIG = "batch.api.collect.timeout.ms";
    private static final String COLLECT_TIMEOUT_MS_DOC = "How long a download of a finished batch's output or error file "
            + "waits for results still missing from its completion topic.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(LISTEN_ADDRESS_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH, LISTEN_ADDRESS_DOC)
            .define(PORT_CONFIG, Type.INT, 8095, Range.between(0, 65_535), Importance.HIGH, PORT_DOC)
            .define(KEYS_FILE_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH, KEYS_FILE_DOC)
            .define(KEYS_RELOAD_MS_CONFIG, Type.LONG, 2_000L, Range.between(0, 3_600_000), Importance.LOW, KEYS_RELOAD_MS_DOC)
            .define(MAX_UPLOAD_BYTES_CONFIG, Type.INT, 100 * 1024 * 1024, Range.between(1024, Integer.MAX_VALUE - 1),
                    Importance.MEDIUM, MAX_UPLOAD_BYTES_DOC)
            .define(MAX_BODY_BYTES_CONFIG, Type.INT, 1024 * 1024, Range.between(1024, 64 * 1024 * 1024), Importance.LOW, MAX_BODY_BYTES_DOC)
            .define(FILES_TOPIC_CONFIG, Type.STRING, PipelineTopics.BATCH_FILES, new ConfigDef.NonEmptyString(), Importance.MEDIUM, FILES_TOPIC_DOC)
            .define(FILE_CHUNK_BYTES_CONFIG, Type.INT, 512 * 1024, Range.between(1024, 900 * 1024), Importance.LOW, FILE_CHUNK_BYTES_DOC)
            .define(COLLECT_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.between(100, 3_600_000), Importance.LOW, COLLECT_TIMEOUT_MS_DOC);

    private final ToolsConfig tools;

    /** @throws ConfigException naming the key that is unknown, missing or bad */
    public BatchApiConfig(Map<String, ?> settings) {
        super(CONFIG_DEF, own(settings), false);
        Map<String, Object> rest = new HashMap<>(settings);
        rest.keySet().removeIf(key -> key.startsWith(PREFIX));
        for (String key : rest.keySet()) {
            if (!ToolsConfig.CONFIG_DEF.names().contains(key) && !SchemaRegistryClientConfig.CONFIG_DEF.names().contains(key)
                    && !key.startsWith(ToolsConfig.KAFKA_CLIENT_PREFIX)) {
                throw new ConfigException(key, rest.get(key), "unknown setting: not a batch.api.* key, a tools key or "
                        + ToolsConfig.KAFKA_CLIENT_PREFIX + "*; see loraq batch-api --help");
            }
        }
        this.tools = new ToolsConfig(rest);
    }

    private static Map<String, Object> own(Map<String, ?> settings) {
        Map<String, Object> own = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                if (!CONFIG_DEF.names().contains(key)) {
                    throw new ConfigException(key, value, "unknown batch.api setting; see loraq batch-api --help");
                }
                own.put(key, value);
            }
        });
        return own;
    }

    /** The settings of the submit, collect and lifecycle code. */
    public ToolsConfig tools() {
        return tools;
    }

    public String listenAddress() {
        return getString(LISTEN_ADDRESS_CONFIG);
    }

    public int port() {
        return getInt(PORT_CONFIG);
    }

    public Path keysFile() {
        return Path.of(getString(KEYS_FILE_CONFIG));
    }

    public long keysReloadMs() {
        return getLong(KEYS_RELOAD_MS_CONFIG);
    }

    public int maxUploadBytes() {
        return getInt(MAX_UPLOAD_BYTES_CONFIG);
    }

    public int maxBodyBytes() {
        return getInt(MAX_BODY_BYTES_CONFIG);
    }

    public String filesTopic() {
        return getString(FILES_TOPIC_CONFIG);
    }

    public int fileChunkBytes() {
        return getInt(FILE_CHUNK_BYTES_CONFIG);
    }

    public long collectTimeoutMs() {
        return getLong(COLLECT_TIMEOUT_MS_CONFIG);
    }
}
