package dev.loraq.stack;

/**
 * A running Kafka broker plus a Confluent-compatible schema registry, as tests and local runs see it.
 * Implementations: {@link EmbeddedLocalStack} (no Docker) and
 * {@link dev.loraq.stack.container.ContainerLocalStack} (Docker, via Testcontainers).
 */
public interface LocalStack extends AutoCloseable {

    /** Value for the {@code bootstrap.servers} client property, e.g. {@code 127.0.0.1:40123}. */
    String bootstrapServers();

    /**
     * Client settings besides {@code bootstrap.servers} with full rights on the broker: empty for a PLAINTEXT broker,
     * the super user's SASL settings for a secured one.
     */
    default java.util.Map<String, Object> kafkaClientProperties() {
        return java.util.Map.of();
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:40124/apis/ccompat/v7}. */
    String registryUrl();

    /** Stops broker and registry and deletes temporary data; safe to call more than once. */
    @Override
    void close();
}
