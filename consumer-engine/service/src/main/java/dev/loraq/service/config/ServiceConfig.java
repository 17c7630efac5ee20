package dev.loraq.service.config;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.OutputTopicPatternValidator;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.contract.TenantId;
import dev.loraq.online.config.OnlineConfig;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.serde.AvroDecodeLimits;
import dev.loraq.service.output.DefaultRecordErrorHandler;
import dev.loraq.service.output.RecordErrorHandler;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the consumer service ({@code loraq-engine run}). Besides the keys defined here, a configuration may
 * hold the schema registry client's keys ({@link SchemaRegistryClientConfig}), the engine's keys (passed to the
 * engine untouched) and raw Kafka client overrides under {@value #CONSUMER_PREFIX}, {@value #PRODUCER_PREFIX} and
 * {@value #ADMIN_PREFIX}. Any other key is refused, naming it.
 */
public final class ServiceConfig extends AbstractConfig {

    public static final String CONSUMER_PREFIX = "kafka.consumer.";
    public static final String PRODUCER_PREFIX = "kafka.producer.";
    public static final String ADMIN_PREFIX = "kafka.admin.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port[,host:port...].";
    public static final String SCHEMA_REGISTRY_URL_CONFIG = SchemaRegistryClientConfig.URL_CONFIG;
    private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of the Confluent-compatible schema registry API.";
    public static final String GROUP_ID_CONFIG = "group.id";
    private static final String GROUP_ID_DOC = "Consumer group shared by all engine instances of one deployment.";
    public static final String INPUT_TOPIC_CONFIG = "input.topic";
    private static final String INPUT_TOPIC_DOC = "Topic of PromptRequest records (keyed by adapter id).";
    public static final String OUTPUT_TOPIC_PATTERN_CONFIG = "output.topic.pattern";
    private static final String OUTPUT_TOPIC_PATTERN_DOC = "Topic of a tenant's completions; {tenant} is replaced by the tenant id. "
            + "The tools (loraq collect, progress-service, topics, acls) read the same key: give them the same value.";
    public static final String DLQ_TOPIC_CONFIG = "dlq.topic";
    private static final String DLQ_TOPIC_DOC = "Topic of DeadLetter records: input that could not be decoded or has no usable tenant.";
    public static final String JOB_CONTROL_TOPIC_CONFIG = "job.control.topic";
    private static final String JOB_CONTROL_TOPIC_DOC = "Compacted topic of JobControl records (loraq cancel), keyed by job id. Every "
            + "instance reads it from the beginning on its own consumer, outside the group, and starts no request before it has "
            + "read it to its end: requests of a cancelled job then complete as cancelled error completions, without compute for "
            + "those not yet started. When the topic does not exist no job can be cancelled (it is looked for again every 5 s).";
    public static final String JOB_CONTROL_RETENTION_MS_CONFIG = "job.control.retention.ms";
    private static final String JOB_CONTROL_RETENTION_MS_DOC = "How long a cancellation is kept in memory after it was asked for. Keep it at "
            + "least the retention of input.topic (7 days as loraq topics creates it): a cancellation forgotten while its job's prompts "
            + "can still be read would let them run.";
    public static final String DLQ_MAX_VALUE_BYTES_CONFIG = "dlq.max.value.bytes";
    public static final int DLQ_MAX_VALUE_BYTES_DEFAULT = 768 * 1024;
    private static final String DLQ_MAX_VALUE_BYTES_DOC = "Most bytes of the original value a dead letter keeps; a longer value is cut "
            + "to its first bytes and the letter says so (value_truncated, original_value_size, original_value_sha256), so a dead "
            + "letter always fits in one produce request. With the key (16 KiB), headers (64 KiB) and overhead it must fit in the "
            + "producer's max.request.size (kafka.producer.max.request.size, default 1048576): checked at start.";
    public static final String TOPICS_AUTO_CREATE_CONFIG = "topics.auto.create";
    private static final String TOPICS_AUTO_CREATE_DOC = "Create output and dead-letter topics on first use. When false they must exist; "
            + "a completion for a tenant whose topic is missing goes to the dead-letter topic (code output_topic_missing) "
            + "with the original record, so it can be replayed once the topic exists.";
    public static final String TOPICS_PARTITIONS_CONFIG = "topics.partitions";
    private static final String TOPICS_PARTITIONS_DOC = "Partitions of topics created by the service.";
    public static final String TOPICS_REPLICATION_FACTOR_CONFIG = "topics.replication.factor";
    private static final String TOPICS_REPLICATION_FACTOR_DOC = "Replication factor of topics created by the service.";
    public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "How often finished completions and offsets are committed in one transaction.";
    public static final String MAX_QUEUED_RECORDS_CONFIG = "max.queued.records";
    private static final String MAX_QUEUED_RECORDS_DOC = "Records in flight (submitted, not yet committed) above which all partitions are paused; "
            + "they resume when half of that has drained. Bounds memory whatever the backlog. The pause takes effect between polls, "
            + "so up to max.queued.records - 1 + max.poll.records (kafka.consumer.max.poll.records, default the smaller of 500 and "
            + "max.queued.records) can be in flight: that must not exceed the engine's " + EngineConfig.MAX_WAITING_REQUESTS
            + " (default 4096), checked at start, so the engine never refuses a record as overloaded.";
    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
    private static final String SHUTDOWN_TIMEOUT_MS_DOC = "On shutdown, how long in-flight requests may still finish before they are abandoned "
            + "(left uncommitted, so another instance redoes them).";
    public static final String REVOCATION_TIMEOUT_MS_CONFIG = "revocation.timeout.ms";
    private static final String REVOCATION_TIMEOUT_MS_DOC = "On partition revocation, how long in-flight requests of those partitions may still finish "
            + "before they are cancelled; must stay well below max.poll.interval.ms.";
    public static final String METRICS_HOST_CONFIG = "metrics.host";
    private static final String METRICS_HOST_DOC = "Address the /metrics, /health and /ready endpoint binds to.";
    public static final String METRICS_PORT_CONFIG = "metrics.port";
    private static final String METRICS_PORT_DOC = "Port of the metrics endpoint; 0 picks a free port, -1 disables the endpoint.";
    public static final String METRICS_ADAPTER_LABELS_MAX_CONFIG = "metrics.adapter.labels.max";
    public static final int METRICS_ADAPTER_LABELS_MAX_DEFAULT = 20;
    private static final String METRICS_ADAPTER_LABELS_MAX_DOC = "Most adapters named in the per-adapter gauges "
            + "(loraq_engine_queue_depth, loraq_engine_adapter_running), so label cardinality stays bounded however many "
            + "adapters there are: at each sample the adapters with the most running plus waiting requests keep their own "
            + "label (ties by id), the rest are summed under adapter=\"other\". 0 = every adapter under other.";
    public static final String WORKER_ID_CONFIG = "worker.id";
    private static final String WORKER_ID_DOC = "Stable id of this instance: names its transactional id (loraq-engine-<worker.id>) and appears in completions. "
            + "Two live instances must never share it. Empty: the host name.";
    public static final String TENANT_ID_PATTERN_CONFIG = "tenant.id.pattern";
    private static final String TENANT_ID_PATTERN_DOC = "Regular expression a tenant id must match in full. It can only narrow the "
            + "pipeline's tenant id rule (" + TenantId.RULE + ", the default), which every tenant id must follow too: the id "
            + "becomes part of a topic name, and the tools find tenants' topics by that rule. Records with other tenant ids "
            + "become dead letters.";
    public static final String METADATA_PAUSE_BYTES_CONFIG = "offset.metadata.pause.bytes";
    private static final String METADATA_PAUSE_BYTES_DOC = "When a partition's encoded completed-offsets metadata reaches this size, the partition is paused "
            + "until its lowest incomplete offset advances (Kafka refuses metadata above offset.metadata.max.bytes, 4096 by default).";
    public static final String STATIC_MEMBERSHIP_CONFIG = "static.membership";
    private static final String STATIC_MEMBERSHIP_DOC = "Join the group as a static member with group.instance.id = the transactional id "
            + "(loraq-engine-<worker.id>): an instance restarted within the consumer's session.timeout.ms (45 s by default) takes its "
            + "partitions back at once, without a rebalance, and a graceful stop leaves the group so its partitions move at once. "
            + "A dead instance's partitions wait session.timeout.ms before another instance takes them. worker.id must then be unique "
            + "among live instances: a second one with the same id fences the first.";
    public static final String HEALTH_PROBE_INTERVAL_MS_CONFIG = "health.probe.interval.ms";
    private static final String HEALTH_PROBE_INTERVAL_MS_DOC = "How often a separate thread asks the Kafka cluster to describe itself; "
            + "one log line when it stops answering and one when it is back, and /ready is 503 meanwhile.";
    public static final String HEALTH_STALL_TIMEOUT_MS_CONFIG = "health.stall.timeout.ms";
    private static final String HEALTH_STALL_TIMEOUT_MS_DOC = "/health (liveness) turns 503 when no commit has succeeded for this long "
            + "while work is pending (in flight or finished but not committed): the engine is stuck and a restart may help.";
    public static final String REGISTRY_RETRY_BACKOFF_MS_CONFIG = "registry.unavailable.backoff.ms";
    private static final String REGISTRY_RETRY_BACKOFF_MS_DOC = "When the schema registry cannot be reached, how long a partition waits before its record is tried again "
            + "(such records are retried, never dead-lettered).";
    public static final String RECORD_ERROR_HANDLER_CONFIG = "record.error.handler";
    private static final String RECORD_ERROR_HANDLER_DOC = "Class deciding what becomes of a decoded request that failed in validation or "
            + "in the engine: an error completion in the tenant's topic (what the default makes of every failure, with its code) or a "
            + "dead letter. Checked at start; a handler that implements org.apache.kafka.common.Configurable is given every setting. "
            + "Records that cannot be decoded or have no usable tenant always become dead letters.";

    // The Avro decode limits are the service's keys: it is the service that decodes untrusted records.
    public static final ConfigDef CONFIG_DEF = new ConfigDef(AvroDecodeLimits.CONFIG_DEF)
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString() {
                @Override
                public void ensureValid(String name, Object value) {
                    if (value == null || ((List<?>) value).isEmpty()) {
                        throw new ConfigException(name, value, "at least one broker address is needed");
                    }
                }

                @Override
                public String toString() {
                    return "non-empty list of host:port";
                }
            }, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(GROUP_ID_CONFIG, Type.STRING, "loraq-engine", new ConfigDef.NonEmptyString(), Importance.HIGH, GROUP_ID_DOC)
            .define(INPUT_TOPIC_CONFIG, Type.STRING, PipelineTopics.PROMPTS, new ConfigDef.NonEmptyString(), Importance.HIGH, INPUT_TOPIC_DOC)
            .define(OUTPUT_TOPIC_PATTERN_CONFIG, Type.STRING, OutputTopicPattern.DEFAULT_PATTERN, new OutputTopicPatternValidator(),
                    Importance.HIGH, OUTPUT_TOPIC_PATTERN_DOC)
            .define(DLQ_TOPIC_CONFIG, Type.STRING, PipelineTopics.DLQ, new ConfigDef.NonEmptyString(), Importance.MEDIUM, DLQ_TOPIC_DOC)
            .define(JOB_CONTROL_TOPIC_CONFIG, Type.STRING, PipelineTopics.JOB_CONTROL, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    JOB_CONTROL_TOPIC_DOC)
            .define(JOB_CONTROL_RETENTION_MS_CONFIG, Type.LONG, 7L * 24 * 60 * 60 * 1000, Range.atLeast(60_000L), Importance.LOW,
                    JOB_CONTROL_RETENTION_MS_DOC)
            .define(DLQ_MAX_VALUE_BYTES_CONFIG, Type.INT, DLQ_MAX_VALUE_BYTES_DEFAULT, Range.between(0, 64 * 1024 * 1024), Importance.LOW, DLQ_MAX_VALUE_BYTES_DOC)
            .define(TOPICS_AUTO_CREATE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TOPICS_AUTO_CREATE_DOC)
            .define(TOPICS_PARTITIONS_CONFIG, Type.INT, 3, Range.atLeast(1), Importance.LOW, TOPICS_PARTITIONS_DOC)
            .define(TOPICS_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 1, Range.between(1, 32), Importance.LOW, TOPICS_REPLICATION_FACTOR_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 500L, Range.between(10, 60_000), Importance.MEDIUM, COMMIT_INTERVAL_MS_DOC)
            .define(MAX_QUEUED_RECORDS_CONFIG, Type.INT, 512, Range.between(1, 1_000_000), Importance.MEDIUM, MAX_QUEUED_RECORDS_DOC)
            .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.between(0, 3_600_000), Importance.MEDIUM, SHUTDOWN_TIMEOUT_MS_DOC)
            .define(REVOCATION_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.between(0, 600_000), Importance.MEDIUM, REVOCATION_TIMEOUT_MS_DOC)
            .define(METRICS_HOST_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW, METRICS_HOST_DOC)
            .define(METRICS_PORT_CONFIG, Type.INT, 9464, Range.between(-1, 65_535), Importance.LOW, METRICS_PORT_DOC)
            .define(METRICS_ADAPTER_LABELS_MAX_CONFIG, Type.INT, METRICS_ADAPTER_LABELS_MAX_DEFAULT, Range.between(0, 1_000), Importance.LOW, METRICS_ADAPTER_LABELS_MAX_DOC)
            .define(WORKER_ID_CONFIG, Type.STRING, "", ConfigDef.LambdaValidator.with(
                    (name, value) -> {
                        if (value != null && !value.toString().matches("[A-Za-z0-9._-]{0,100}")) {
                            throw new ConfigException(name, value, "may hold only letters, digits, '.', '_' and '-' (at most 100)");
                        }
                    }, () -> "[A-Za-z0-9._-]{0,100}"), Importance.MEDIUM, WORKER_ID_DOC)
            .define(TENANT_ID_PATTERN_CONFIG, Type.STRING, TenantId.REGEX, ConfigDef.LambdaValidator.with(
                    (name, value) -> {
                        try {
                            Pattern.compile(String.valueOf(value));
                        } catch (PatternSyntaxException e) {
                            throw new ConfigException(name, value, "not a regular expression: " + e.getDescription());
                        }
                    }, () -> "a Java regular expression"), Importance.LOW, TENANT_ID_PATTERN_DOC)
            .define(METADATA_PAUSE_BYTES_CONFIG, Type.INT, 3584, Range.between(64, 1_000_000), Importance.LOW, METADATA_PAUSE_BYTES_DOC)
            .define(REGISTRY_RETRY_BACKOFF_MS_CONFIG, Type.LONG, 1000L, Range.between(1, 600_000), Importance.LOW, REGISTRY_RETRY_BACKOFF_MS_DOC)
            .define(STATIC_MEMBERSHIP_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, STATIC_MEMBERSHIP_DOC)
            .define(HEALTH_PROBE_INTERVAL_MS_CONFIG, Type.LONG, 2000L, Range.between(100, 600_000), Importance.LOW, HEALTH_PROBE_INTERVAL_MS_DOC)
            .define(HEALTH_STALL_TIMEOUT_MS_CONFIG, Type.LONG, 300_000L, Range.between(1000, 86_400_000), Importance.LOW, HEALTH_STALL_TIMEOUT_MS_DOC)
            .define(RECORD_ERROR_HANDLER_CONFIG, Type.CLASS, DefaultRecordErrorHandler.class, new ImplementationClass(RecordErrorHandler.class),
                    Importance.LOW, RECORD_ERROR_HANDLER_DOC);

    private final Map<String, String> raw;
    private final Map<String, String> engineSettings;
    private final Map<String, String> onlineSettings;

    /**
     * Parses and validates {@code raw}. {@code engineKeys} are the keys the engine defines; their values are kept for
     * {@link #engineSettings()} and validated by the engine itself.
     */
    public ServiceConfig(Map<String, String> raw, Set<String> engineKeys) {
        super(CONFIG_DEF, serviceKeysOnly(raw, engineKeys), false);
        this.raw = Map.copyOf(raw);
        Map<String, String> engine = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            if (engineKeys.contains(entry.getKey())) {
                engine.put(entry.getKey(), entry.getValue());
            }
        }
        this.engineSettings = Map.copyOf(engine);
        this.onlineSettings = Map.copyOf(OnlineConfig.onlineKeys(raw));
        new SchemaRegistryClientConfig(registrySettings());
    }

    private static Map<String, String> serviceKeysOnly(Map<String, String> raw, Set<String> engineKeys) {
        Set<String> unknown = new TreeSet<>();
        Map<String, String> service = new HashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            String key = entry.getKey();
            if (CONFIG_DEF.names().contains(key)) {
                service.put(key, entry.getValue());
            } else if (!engineKeys.contains(key) && !SchemaRegistryClientConfig.CONFIG_DEF.names().contains(key)
                    && !isPassThrough(key) && !isOnlineKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown configuration key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; run 'loraq-engine run --help' for the list of keys (Kafka client overrides go under "
                    + CONSUMER_PREFIX + ", " + PRODUCER_PREFIX + " or " + ADMIN_PREFIX + ")");
        }
        return service;
    }

    private static boolean isOnlineKey(String key) {
        return OnlineConfig.DEFINITION.keys().stream().anyMatch(k -> k.key().equals(key));
    }

    private static boolean isPassThrough(String key) {
        return (key.startsWith(CONSUMER_PREFIX) && key.length() > CONSUMER_PREFIX.length())
                || (key.startsWith(PRODUCER_PREFIX) && key.length() > PRODUCER_PREFIX.length())
                || (key.startsWith(ADMIN_PREFIX) && key.length() > ADMIN_PREFIX.length());
    }

    /** Settings for the schema registry client and the Avro serdes. */
    public Map<String, String> registrySettings() {
        Map<String, String> settings = new HashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            if (SchemaRegistryClientConfig.CONFIG_DEF.names().contains(entry.getKey())) {
                settings.put(entry.getKey(), entry.getValue());
            }
        }
        return settings;
    }

    /** Settings of the prompt deserializer: the registry client's and the decode limits. */
    public Map<String, Object> deserializerSettings() {
        Map<String, Object> settings = new HashMap<>(registrySettings());
        for (String key : AvroDecodeLimits.CONFIG_DEF.names()) {
            settings.put(key, get(key));
        }
        return settings;
    }

    /** Raw overrides under a Kafka client prefix, with the prefix removed. */
    public Map<String, Object> clientOverrides(String prefix) {
        Map<String, Object> overrides = new HashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                overrides.put(entry.getKey().substring(prefix.length()), entry.getValue());
            }
        }
        return overrides;
    }

    /** The engine's keys as given (validated by the engine). */
    public Map<String, String> engineSettings() {
        return engineSettings;
    }

    /** The online API's keys ({@code online.*}), validated by {@link OnlineConfig}. */
    public Map<String, String> onlineSettings() {
        return onlineSettings;
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG));
    }

    public String groupId() {
        return getString(GROUP_ID_CONFIG);
    }

    public String inputTopic() {
        return getString(INPUT_TOPIC_CONFIG);
    }

    public String outputTopicPattern() {
        return getString(OUTPUT_TOPIC_PATTERN_CONFIG);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC_CONFIG);
    }

    public String jobControlTopic() {
        return getString(JOB_CONTROL_TOPIC_CONFIG);
    }

    public long jobControlRetentionMs() {
        return getLong(JOB_CONTROL_RETENTION_MS_CONFIG);
    }

    public boolean topicsAutoCreate() {
        return getBoolean(TOPICS_AUTO_CREATE_CONFIG);
    }

    public int topicsPartitions() {
        return getInt(TOPICS_PARTITIONS_CONFIG);
    }

    public short topicsReplicationFactor() {
        return getShort(TOPICS_REPLICATION_FACTOR_CONFIG);
    }

    public long commitIntervalMs() {
        return getLong(COMMIT_INTERVAL_MS_CONFIG);
    }

    public int maxQueuedRecords() {
        return getInt(MAX_QUEUED_RECORDS_CONFIG);
    }

    public long shutdownTimeoutMs() {
        return getLong(SHUTDOWN_TIMEOUT_MS_CONFIG);
    }

    public long revocationTimeoutMs() {
        return getLong(REVOCATION_TIMEOUT_MS_CONFIG);
    }

    public String metricsHost() {
        return getString(METRICS_HOST_CONFIG);
    }

    public int metricsPort() {
        return getInt(METRICS_PORT_CONFIG);
    }

    /** Most adapters with their own label in per-adapter gauges; the rest are "other". */
    public int metricsAdapterLabelsMax() {
        return getInt(METRICS_ADAPTER_LABELS_MAX_CONFIG);
    }

    /** The configured worker id, or the host name when empty. */
    public String workerId() {
        String id = getString(WORKER_ID_CONFIG);
        if (!id.isEmpty()) {
            return id;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException(WORKER_ID_CONFIG, "", "is empty and the host name cannot be resolved (" + e.getMessage() + "); set it explicitly");
        }
    }

    /** Transactional id of this instance: stable across restarts, so a restarted instance fences its predecessor. */
    public String transactionalId() {
        return "loraq-engine-" + workerId();
    }

    public Pattern tenantIdPattern() {
        return Pattern.compile(getString(TENANT_ID_PATTERN_CONFIG));
    }

    public int metadataPauseBytes() {
        return getInt(METADATA_PAUSE_BYTES_CONFIG);
    }

    public long registryRetryBackoffMs() {
        return getLong(REGISTRY_RETRY_BACKOFF_MS_CONFIG);
    }

    public boolean staticMembership() {
        return getBoolean(STATIC_MEMBERSHIP_CONFIG);
    }

    public long healthProbeIntervalMs() {
        return getLong(HEALTH_PROBE_INTERVAL_MS_CONFIG);
    }

    public long healthStallTimeoutMs() {
        return getLong(HEALTH_STALL_TIMEOUT_MS_CONFIG);
    }

    public int dlqMaxValueBytes() {
        return getInt(DLQ_MAX_VALUE_BYTES_CONFIG);
    }

    /** A new instance of the configured record error handler, given every setting when it is Configurable. */
    public RecordErrorHandler recordErrorHandler() {
        return getConfiguredInstance(RECORD_ERROR_HANDLER_CONFIG, RecordErrorHandler.class, new HashMap<>(raw));
    }

    /** The transactional producer's max.request.size: its override, or Kafka's default. */
    public int producerMaxRequestSize() {
        return intOverride(PRODUCER_PREFIX, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                (Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    }

    /** The consumer's max.poll.records: its override, or max.queued.records capped at 500 (one poll never overshoots much). */
    public int consumerMaxPollRecords() {
        return intOverride(CONSUMER_PREFIX, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, maxQueuedRecords())));
    }

    /** Most records in flight at once: the pause on max.queued.records is applied between polls, so one poll can add more. */
    public int maxRecordsInFlight() {
        return maxQueuedRecords() - 1 + consumerMaxPollRecords();
    }

    /**
     * Refuses a backpressure bound the engine's own bound on waiting requests could be reached under: every record in
     * flight is at most one waiting request, so the engine never answers one with {@code overloaded}.
     *
     * @param engineMaxWaitingRequests the engine's {@value EngineConfig#MAX_WAITING_REQUESTS}
     */
    public void requireInFlightWithin(int engineMaxWaitingRequests) {
        if (maxRecordsInFlight() > engineMaxWaitingRequests) {
            throw new ConfigException(MAX_QUEUED_RECORDS_CONFIG + " (" + maxQueuedRecords() + ") lets up to " + maxRecordsInFlight()
                    + " records be in flight (" + MAX_QUEUED_RECORDS_CONFIG + " - 1 + " + CONSUMER_PREFIX + ConsumerConfig.MAX_POLL_RECORDS_CONFIG
                    + " " + consumerMaxPollRecords() + "), more than the engine's " + EngineConfig.MAX_WAITING_REQUESTS + " ("
                    + engineMaxWaitingRequests + "): lower " + MAX_QUEUED_RECORDS_CONFIG + " or raise " + EngineConfig.MAX_WAITING_REQUESTS);
        }
    }

    private int intOverride(String prefix, String key, int defaultValue) {
        Object value = clientOverrides(prefix).get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(prefix + key, value, "must be an integer");
        }
    }
}
