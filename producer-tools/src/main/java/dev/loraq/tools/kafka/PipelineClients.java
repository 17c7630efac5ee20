package dev.loraq.tools.kafka;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.tools.config.ToolsConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Kafka consumers of the tools, configured from {@link ToolsConfig}: no group, read_committed, Avro values. */
public final class PipelineClients {

    private PipelineClients() {
    }

    public static KafkaConsumer<String, JobManifest> manifestConsumer(ToolsConfig config) {
        return avroConsumer(config, JobManifest.class);
    }

    public static KafkaConsumer<String, Completion> completionConsumer(ToolsConfig config) {
        return avroConsumer(config, Completion.class);
    }

    public static KafkaConsumer<String, PromptRequest> promptConsumer(ToolsConfig config) {
        return avroConsumer(config, PromptRequest.class);
    }

    public static <T extends SpecificRecord> KafkaConsumer<String, T> avroConsumer(ToolsConfig config, Class<T> type) {
        AvroDeserializer<T> values = new AvroDeserializer<>(type);
        values.configure(config.registryConfig(), false);
        return consumer(config, values);
    }

    /** A group-less read_committed consumer: the tools assign partitions themselves and commit nothing. */
    public static <V> KafkaConsumer<String, V> consumer(ToolsConfig config, Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(config.kafkaClientConfig());
        props.keySet().retainAll(ConsumerConfig.configNames());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    /**
     * Registers a transactional producer with the broker, or fails with a clear error that says the broker is
     * unreachable (or, naming the transactional id, that the principal may not use it) and that {@code nothingDone}
     * (for example "nothing was published").
     */
    public static void initTransactions(Producer<?, ?> producer, ToolsConfig config, String transactionalId,
                                        String nothingDone) {
        try {
            producer.initTransactions();
        } catch (org.apache.kafka.common.errors.AuthorizationException | org.apache.kafka.common.errors.AuthenticationException e) {
            throw AccessDenied.of(e, config.bootstrapServers(), org.apache.kafka.common.acl.AclOperation.WRITE,
                    "transactional id " + transactionalId, nothingDone);
        } catch (KafkaException e) {
            throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "cannot start a transaction on "
                    + config.bootstrapServers() + " within " + config.kafkaTimeoutMs() + " ms: " + e.getMessage()
                    + "; " + nothingDone, e);
        }
    }
}
