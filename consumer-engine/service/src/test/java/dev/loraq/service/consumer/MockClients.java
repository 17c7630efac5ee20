package dev.loraq.service.consumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;

/** Kafka's mock clients: one consumer, and a new {@link SizeLimitedProducer} each time the service asks for a producer. */
final class MockClients implements KafkaClients {

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
    /** Failures of the next producers' initTransactions, in order (a cluster that cannot give a producer yet). */
    final Deque<RuntimeException> initFailures = new ArrayDeque<>();
    int maxRecordBytes = Integer.MAX_VALUE;

    @Override
    public MockConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    @Override
    public MockProducer<byte[], byte[]> producer() {
        SizeLimitedProducer producer = new SizeLimitedProducer(maxRecordBytes);
        producer.initTransactionException = initFailures.poll();
        producers.add(producer);
        return producer;
    }

    @Override
    public Admin admin() {
        throw new UnsupportedOperationException("the committer and the partition states need no admin client");
    }

    MockProducer<byte[], byte[]> lastProducer() {
        return producers.getLast();
    }
}
