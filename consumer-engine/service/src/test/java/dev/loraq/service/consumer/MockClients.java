package dev.loraq.service.consumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.MockConsumer;

/** Kafka's mock clients: one consumer, and a new {@link BrokerLikeProducer} each time the service asks for a producer. */
final class MockClients implements KafkaClients {

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final List<BrokerLikeProducer> producers = new ArrayList<>();
    /** Failures of the next producers' initTransactions, in order (a cluster that cannot give a producer yet). */
    final Deque<RuntimeException> initFailures = new ArrayDeque<>();
    int maxRecordBytes = Integer.MAX_VALUE;

    @Override
    public MockConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    @Override
    public BrokerLikeProducer producer() {
        BrokerLikeProducer producer = new BrokerLikeProducer(maxRecordBytes);
        producer.initTransactionException = initFailures.poll();
        producers.add(producer);
        return producer;
    }

    @Override
    public Admin admin() {
        throw new UnsupportedOperationException("the committer and the partition states need no admin client");
    }

    BrokerLikeProducer lastProducer() {
        return producers.getLast();
    }
}
