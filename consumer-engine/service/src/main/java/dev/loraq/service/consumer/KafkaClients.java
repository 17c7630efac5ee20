package dev.loraq.service.consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Where the service gets its Kafka clients: {@link BrokerClients} against the cluster; Kafka's MockConsumer and
 * MockProducer in the unit tests of the commit and rebalance rules.
 */
public interface KafkaClients {

    /** Values are read as raw bytes and decoded by the loop, so an undecodable record keeps its bytes for the dead letter. */
    Consumer<byte[], byte[]> consumer();

    /** A transactional producer of raw bytes, its transactions not yet initialised; a new one after each fatal failure. */
    Producer<byte[], byte[]> producer();

    Admin admin();
}
