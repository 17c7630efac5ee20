package dev.loraq.tools.config;

import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.OutputTopicPatternValidator;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.contract.TenantId;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the {@code loraq} tools and of the job-progress service. Command-line options override these keys;
 * {@code LORAQ_BOOTSTRAP_SERVERS} and {@code LORAQ_SCHEMA_REGISTRY_URL} override the two connection defaults.
 * Topic names are the pipeline's ({@link PipelineTopics}), not configured here, except {@link #DLQ_TOPIC_CONFIG} and
 * {@link #OUTPUT_TOPIC_PATTERN_CONFIG}, which mirror the engine's settings of the same names. Two kinds of keys pass
 * through undefined here: any Kafka client setting under {@value #KAFKA_CLIENT_PREFIX} (prefix removed, given to every
 * consumer, producer, admin and Kafka Streams client of the tools: SASL, TLS) and the schema registry client's own keys
 * ({@link SchemaRegistryClientConfig}: basic auth, TLS).
 */
public final class ToolsConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:9092";
    public static final String BOOTSTRAP_SERVERS_ENV = "LORAQ_BOOTSTRAP_SERVERS";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to. Default: the local stack's broker, or $"
            + BOOTSTRAP_SERVERS_ENV + " when set.";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = SchemaRegistryClientConfig.URL_CONFIG;
    public static final String SCHEMA_REGISTRY_URL_DEFAULT = "http://127.0.0.1:8081/apis/ccompat/v7";
    public static final String SCHEMA_REGISTRY_URL_ENV = "LORAQ_SCHEMA_REGISTRY_URL";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Confluent-compatible schema registry API. Default: the local "
            + "stack's registry, or $" + SCHEMA_REGISTRY_URL_ENV + " when set.";

    /** Prefix of raw Kafka client settings, e.g. {@code kafka.client.security.protocol=SASL_SSL}. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    public static final String KAFKA_TIMEOUT_MS_CONFIG = "kafka.timeout.ms";
    private static final String KAFKA_TIMEOUT_MS_DOC = "How long a command waits for the broker (connection, metadata, "
            + "transaction start and commit) before it gives up with an error.";

    public static final String REGISTRY_TIMEOUT_MS_CONFIG = "registry.timeout.ms";
    private static final String REGISTRY_TIMEOUT_MS_DOC = "Time limit of one schema registry request.";

    public static final String REGISTRY_RETRIES_CONFIG = "registry.retries";
    private static final String REGISTRY_RETRIES_DOC = "Retries of a failed schema registry request before a command gives up.";

    public static final String BASE_MODEL_ALIAS_CONFIG = "base.model.alias";
    private static final String BASE_MODEL_ALIAS_DOC = "OpenAI 'model' value that means the base model without an adapter "
            + "(the request's adapter_id becomes null).";

    public static final String PROGRESS_BAR_MIN_LINES_CONFIG = "progress.bar.min.lines";
    private static final String PROGRESS_BAR_MIN_LINES_DOC = "Files with at least this many lines get a progress bar on "
            + "stderr while they are validated and sent (only when stderr is a terminal, unless forced).";

    public static final String PROGRESS_APPLICATION_ID_CONFIG = "progress.application.id";
    private static final String PROGRESS_APPLICATION_ID_DOC = "Kafka Streams application.id of the job-progress service; "
            + "its consumer group and internal topic prefix.";

    public static final String PROGRESS_STATE_DIR_CONFIG = "progress.state.dir";
    private static final String PROGRESS_STATE_DIR_DOC = "State directory of the job-progress service; empty uses Kafka "
            + "Streams' default under java.io.tmpdir. The usage service keeps its state there too, under its own application id.";

    public static final String PROGRESS_COMMIT_INTERVAL_MS_CONFIG = "progress.commit.interval.ms";
    private static final String PROGRESS_COMMIT_INTERVAL_MS_DOC = "Transaction commit interval of the job-progress service "
            + "(exactly_once_v2): how stale loraq.job-progress may be for read_committed readers.";

    public static final String PROGRESS_TOPIC_DISCOVERY_MS_CONFIG = "progress.topic.discovery.ms";
    private static final String PROGRESS_TOPIC_DISCOVERY_MS_DOC = "How often the job-progress service refreshes metadata "
            + "to discover new tenants' completion topics (the consumer's metadata.max.age.ms).";

    public static final String USAGE_APPLICATION_ID_CONFIG = "usage.application.id";
    private static final String USAGE_APPLICATION_ID_DOC = "Kafka Streams application.id of the usage service (loraq "
            + "usage-service); its consumer group and internal topic prefix. It shares progress.state.dir, "
            + "progress.commit.interval.ms and progress.topic.discovery.ms with the job-progress service.";

    public static final String PROMPTS_PARTITIONS_CONFIG = "topics.prompts.partitions";
    private static final String PROMPTS_PARTITIONS_DOC = "Partitions of loraq.prompts: the most consumer-engine instances that can share the work.";
    public static final String COMPLETIONS_PARTITIONS_CONFIG = "topics.completions.partitions";
    private static final String COMPLETIONS_PARTITIONS_DOC = "Partitions of each tenant's completion topic.";
    public static final String CONTROL_PARTITIONS_CONFIG = "topics.control.partitions";
    private static final String CONTROL_PARTITIONS_DOC = "Partitions of loraq.jobs, loraq.job-progress, loraq.usage and loraq.dlq (small, low-rate topics).";
    public static final String RETENTION_MS_CONFIG = "topics.retention.ms";
    private static final String RETENTION_MS_DOC = "retention.ms of the delete-policy topics (prompts, completions); "
            + "collect must run within it.";
    public static final String DLQ_RETENTION_MS_CONFIG = "topics.dlq.retention.ms";
    private static final String DLQ_RETENTION_MS_DOC = "retention.ms of loraq.dlq: long enough for an operator to look at dead letters.";
    public static final String REPLICATION_FACTOR_CONFIG = "topics.replication.factor";
    private static final String REPLICATION_FACTOR_DOC = "Wanted replication factor; capped by the number of brokers. "
            + "min.insync.replicas becomes 2 when the factor is 3 or more, else 1.";

    public static final String DLQ_TOPIC_CONFIG = "dlq.topic";
    private static final String DLQ_TOPIC_DOC = "Dead-letter topic the dlq commands read and topics --create makes; set it to "
            + "the engine's dlq.topic when that is not the default.";

    public static final String OUTPUT_TOPIC_PATTERN_CONFIG = "output.topic.pattern";
    private static final String OUTPUT_TOPIC_PATTERN_DOC = "Topic of a tenant's completions, {tenant} replaced by the tenant id: "
            + "collect reads it, the job-progress service subscribes to every tenant's, topics --create makes the given tenants'. "
            + "Set it to the engine's output.topic.pattern when that is not the default.";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, BOOTSTRAP_SERVERS_DEFAULT, new ConfigDef.NonEmptyString() {
                @Override
                public void ensureValid(String name, Object value) {
                    if (value == null || ((java.util.List<?>) value).isEmpty()) {
                        throw new ConfigException(name, value, "at least one host:port is needed");
                    }
                }

                @Override
                public String toString() {
                    return "non-empty list of host:port";
                }
            }, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, SCHEMA_REGISTRY_URL_DEFAULT, Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(KAFKA_TIMEOUT_MS_CONFIG, Type.INT, 15_000, Range.between(500, 600_000), Importance.MEDIUM, KAFKA_TIMEOUT_MS_DOC)
            .define(REGISTRY_TIMEOUT_MS_CONFIG, Type.INT, 5_000, Range.between(100, 600_000), Importance.MEDIUM, REGISTRY_TIMEOUT_MS_DOC)
            .define(REGISTRY_RETRIES_CONFIG, Type.INT, 2, Range.between(0, 20), Importance.LOW, REGISTRY_RETRIES_DOC)
            .define(BASE_MODEL_ALIAS_CONFIG, Type.STRING, "base", new ConfigDef.NonEmptyString(), Importance.LOW, BASE_MODEL_ALIAS_DOC)
            .define(PROGRESS_BAR_MIN_LINES_CONFIG, Type.INT, 1_000, Range.atLeast(0), Importance.LOW, PROGRESS_BAR_MIN_LINES_DOC)
            .define(PROGRESS_APPLICATION_ID_CONFIG, Type.STRING, "loraq-job-progress", ConfigDef.LambdaValidator.with(
                    (name, value) -> requireId(name, (String) value), () -> "[A-Za-z0-9._-]{1,128}"), Importance.MEDIUM, PROGRESS_APPLICATION_ID_DOC)
            .define(PROGRESS_STATE_DIR_CONFIG, Type.STRING, "", Importance.LOW, PROGRESS_STATE_DIR_DOC)
            .define(PROGRESS_COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 1_000L, Range.between(10, 600_000), Importance.MEDIUM, PROGRESS_COMMIT_INTERVAL_MS_DOC)
            .define(PROGRESS_TOPIC_DISCOVERY_MS_CONFIG, Type.LONG, 30_000L, Range.between(100, 3_600_000), Importance.LOW, PROGRESS_TOPIC_DISCOVERY_MS_DOC)
            .define(USAGE_APPLICATION_ID_CONFIG, Type.STRING, "loraq-usage", ConfigDef.LambdaValidator.with(
                    (name, value) -> requireId(name, (String) value), () -> "[A-Za-z0-9._-]{1,128}"), Importance.MEDIUM, USAGE_APPLICATION_ID_DOC)
            .define(PROMPTS_PARTITIONS_CONFIG, Type.INT, 12, Range.between(1, 10_000), Importance.MEDIUM, PROMPTS_PARTITIONS_DOC)
            .define(COMPLETIONS_PARTITIONS_CONFIG, Type.INT, 6, Range.between(1, 10_000), Importance.MEDIUM, COMPLETIONS_PARTITIONS_DOC)
            .define(CONTROL_PARTITIONS_CONFIG, Type.INT, 3, Range.between(1, 10_000), Importance.LOW, CONTROL_PARTITIONS_DOC)
            .define(RETENTION_MS_CONFIG, Type.LONG, 7L * 24 * 3600 * 1000, Range.atLeast(60_000L), Importance.MEDIUM, RETENTION_MS_DOC)
            .define(DLQ_RETENTION_MS_CONFIG, Type.LONG, 14L * 24 * 3600 * 1000, Range.atLeast(60_000L), Importance.LOW, DLQ_RETENTION_MS_DOC)
            .define(REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 3, Range.between(1, 32), Importance.MEDIUM, REPLICATION_FACTOR_DOC)
            .define(DLQ_TOPIC_CONFIG, Type.STRING, PipelineTopics.DLQ, new ConfigDef.NonEmptyString(), Importance.LOW, DLQ_TOPIC_DOC)
            .define(OUTPUT_TOPIC_PATTERN_CONFIG, Type.STRING, OutputTopicPattern.DEFAULT_PATTERN, new OutputTopicPatternValidator(),
                    Importance.LOW, OUTPUT_TOPIC_PATTERN_DOC);

    public ToolsConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, withEnvironmentDefaults(originals, System.getenv()), false);
    }

    /** The defaults, with the environment's connection overrides. */
    public static ToolsConfig defaults() {
        return new ToolsConfig(Map.of());
    }

    /** Explicit values win; then the environment variables; then the ConfigDef defaults. */
    static Map<String, Object> withEnvironmentDefaults(Map<String, ?> originals, Map<String, String> env) {
        Map<String, Object> merged = new HashMap<>(originals);
        String brokers = env.get(BOOTSTRAP_SERVERS_ENV);
        if (brokers != null && !brokers.isBlank()) {
            merged.putIfAbsent(BOOTSTRAP_SERVERS_CONFIG, brokers.trim());
        }
        String registry = env.get(SCHEMA_REGISTRY_URL_ENV);
        if (registry != null && !registry.isBlank()) {
            merged.putIfAbsent(SCHEMA_REGISTRY_URL_CONFIG, registry.trim());
        }
        return merged;
    }

    /** Checks a job or application id: it becomes part of transactional ids and internal topic names. */
    public static void requireId(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new ConfigException(what, value, "must be 1-128 characters of A-Z a-z 0-9 . _ -");
        }
    }

    /** Checks a tenant id by the pipeline's rule ({@link TenantId}), the one the engine applies to every record. */
    public static void requireTenant(String what, String value) {
        if (!TenantId.isValid(value)) {
            throw new ConfigException(what, value, "a tenant id must be " + TenantId.RULE);
        }
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG));
    }

    public String schemaRegistryUrl() {
        return String.join(",", getList(SCHEMA_REGISTRY_URL_CONFIG));
    }

    public int kafkaTimeoutMs() {
        return getInt(KAFKA_TIMEOUT_MS_CONFIG);
    }

    public String baseModelAlias() {
        return getString(BASE_MODEL_ALIAS_CONFIG);
    }

    public int progressBarMinLines() {
        return getInt(PROGRESS_BAR_MIN_LINES_CONFIG);
    }

    public String progressApplicationId() {
        return getString(PROGRESS_APPLICATION_ID_CONFIG);
    }

    public String usageApplicationId() {
        return getString(USAGE_APPLICATION_ID_CONFIG);
    }

    public String progressStateDir() {
        return getString(PROGRESS_STATE_DIR_CONFIG);
    }

    public long progressCommitIntervalMs() {
        return getLong(PROGRESS_COMMIT_INTERVAL_MS_CONFIG);
    }

    public long progressTopicDiscoveryMs() {
        return getLong(PROGRESS_TOPIC_DISCOVERY_MS_CONFIG);
    }

    public int promptsPartitions() {
        return getInt(PROMPTS_PARTITIONS_CONFIG);
    }

    public int completionsPartitions() {
        return getInt(COMPLETIONS_PARTITIONS_CONFIG);
    }

    public int controlPartitions() {
        return getInt(CONTROL_PARTITIONS_CONFIG);
    }

    public long retentionMs() {
        return getLong(RETENTION_MS_CONFIG);
    }

    public long dlqRetentionMs() {
        return getLong(DLQ_RETENTION_MS_CONFIG);
    }

    public short replicationFactor() {
        return getShort(REPLICATION_FACTOR_CONFIG);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC_CONFIG);
    }

    public OutputTopicPattern outputTopicPattern() {
        return OutputTopicPattern.of(getString(OUTPUT_TOPIC_PATTERN_CONFIG));
    }

    /** Raw Kafka client settings given under {@value #KAFKA_CLIENT_PREFIX}, prefix removed (security settings, mostly). */
    public Map<String, Object> kafkaClientOverrides() {
        return originalsWithPrefix(KAFKA_CLIENT_PREFIX);
    }

    /**
     * Settings every Kafka client of the tools shares: the {@value #KAFKA_CLIENT_PREFIX} overrides, then brokers and
     * timeouts (which the tools' own keys set).
     */
    public Map<String, Object> kafkaClientConfig() {
        Map<String, Object> config = new HashMap<>(kafkaClientOverrides());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        int timeout = kafkaTimeoutMs();
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        config.put("max.block.ms", timeout);
        // Fail fast against an unreachable broker instead of reconnecting every 50 ms for the whole timeout.
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }

    /** Settings of the registry client inside the serdes: its own keys as given (basic auth, TLS), then URL and timeouts. */
    public Map<String, Object> registryConfig() {
        Map<String, Object> config = new HashMap<>();
        originals().forEach((key, value) -> {
            if (SchemaRegistryClientConfig.CONFIG_DEF.names().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(SchemaRegistryClientConfig.URL_CONFIG, schemaRegistryUrl());
        config.put(SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS_CONFIG, getInt(REGISTRY_TIMEOUT_MS_CONFIG));
        config.put(SchemaRegistryClientConfig.RETRIES_CONFIG, getInt(REGISTRY_RETRIES_CONFIG));
        return config;
    }
}
