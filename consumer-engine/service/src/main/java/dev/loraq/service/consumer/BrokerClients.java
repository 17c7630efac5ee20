package dev.loraq.service.consumer;

import dev.loraq.service.config.ServiceConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's Kafka clients, built from its configuration, against the real cluster. The settings exactly-once
 * depends on (manual commits, read_committed, transactions, the cooperative assignor) are applied after the
 * {@code kafka.*} overrides, so an override cannot switch them off.
 */
public final class BrokerClients implements KafkaClients {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerClients.class);

    private final ServiceConfig config;

    public BrokerClients(ServiceConfig config) {
        this.config = config;
    }

    @Override
    public KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.consumerMaxPollRecords());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "loraq-engine-" + config.workerId() + "-consumer");
        props.putAll(config.clientOverrides(ServiceConfig.CONSUMER_PREFIX));
        enforce(props, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        enforce(props, ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        if (config.staticMembership()) {
            // A restarted instance takes its partitions back at once, without a rebalance (KIP-345).
            enforce(props, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.transactionalId());
        }
        enforce(props, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        enforce(props, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        enforce(props, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        enforce(props, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        enforce(props, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /**
     * The job-control topic's reader: no group (it assigns every partition itself and commits nothing), read_committed,
     * and it never creates the topic by asking for it.
     */
    public KafkaConsumer<byte[], byte[]> controlConsumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "loraq-engine-" + config.workerId() + "-job-control");
        props.putAll(config.clientOverrides(ServiceConfig.CONSUMER_PREFIX));
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        enforce(props, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        enforce(props, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        enforce(props, ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        enforce(props, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        enforce(props, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        enforce(props, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    @Override
    public KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "loraq-engine-" + config.workerId() + "-producer");
        props.putAll(config.clientOverrides(ServiceConfig.PRODUCER_PREFIX));
        enforce(props, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        enforce(props, ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        enforce(props, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        enforce(props, ProducerConfig.ACKS_CONFIG, "all");
        enforce(props, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        enforce(props, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    @Override
    public Admin admin() {
        Map<String, Object> props = new HashMap<>(config.clientOverrides(ServiceConfig.ADMIN_PREFIX));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "loraq-engine-" + config.workerId() + "-admin");
        return Admin.create(props);
    }

    private static void enforce(Map<String, Object> props, String key, Object value) {
        Object previous = props.put(key, value);
        if (previous != null && !previous.toString().equals(value.toString())) {
            LOG.warn("client setting overridden key={} given={} used={} reason=required by the service", key, previous, value);
        }
    }
}
