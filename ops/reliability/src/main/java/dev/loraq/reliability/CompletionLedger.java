package dev.loraq.reliability;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything a read_committed reader sees on a workload's completion and dead-letter topics, read on a thread of
 * its own for the whole scenario (across broker restarts too): each completion by request id with where and when it
 * arrived, each dead letter by its source coordinates.
 */
final class CompletionLedger implements AutoCloseable {

    /** One visible completion. */
    record Seen(String topic, String tenant, String status, String code, String adapterLoad, long completedAtMillis, long arrivedAtMillis) {
    }

    private final Workload workload;
    private final Map<String, List<Seen>> completions = new ConcurrentHashMap<>();
    private final Map<String, List<DeadLetter>> deadLetters = new ConcurrentHashMap<>();
    private final List<Long> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong total = new AtomicLong();
    private final boolean keepArrivals;
    private final Thread thread;
    private volatile boolean closed;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    CompletionLedger(Workload workload, boolean keepArrivals) {
        this.workload = workload;
        this.keepArrivals = keepArrivals;
        this.thread = Thread.ofPlatform().name("ledger").daemon().start(this::read);
    }

    private void read() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, workload.cluster().bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, String> registry = Map.of("schema.registry.url", workload.cluster().registryUrl());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
             AvroDeserializer<Completion> completionReader = new AvroDeserializer<>(Completion.class);
             AvroDeserializer<DeadLetter> letterReader = new AvroDeserializer<>(DeadLetter.class)) {
            consumer = c;
            completionReader.configure(registry, false);
            letterReader.configure(registry, false);
            // Assigned, not subscribed: without a group there is no rebalance after a broker restart that could
            // send the reader back to the beginning and count every completion twice.
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> topics = new ArrayList<>(Workload.TENANTS.stream().map(workload::outputTopic).toList());
            topics.add(workload.dlqTopic());
            for (String topic : topics) {
                c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    if (record.topic().equals(workload.dlqTopic())) {
                        DeadLetter letter = letterReader.deserialize(record.topic(), record.value());
                        deadLetters.computeIfAbsent(letter.getSourcePartition() + "@" + letter.getSourceOffset(), k -> new CopyOnWriteArrayList<>()).add(letter);
                    } else {
                        Completion completion = completionReader.deserialize(record.topic(), record.value());
                        Seen seen = new Seen(record.topic(), completion.getTenantId(), completion.getStatus().name(),
                                completion.getError() == null ? null : completion.getError().getCode(),
                                completion.getTimings().getAdapterLoad().name(), completion.getCompletedAt().toEpochMilli(), now);
                        completions.computeIfAbsent(completion.getRequestId(), k -> new CopyOnWriteArrayList<>()).add(seen);
                        if (keepArrivals) {
                            arrivals.add(now);
                        }
                    }
                    total.incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    /** Completions plus dead letters seen so far. */
    long count() {
        return total.get();
    }

    /** Milliseconds until count() grows past {@code before}; -1 on timeout. */
    long awaitGrowth(long before, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (count() <= before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return count() > before ? (System.nanoTime() - start) / 1_000_000 : -1;
    }

    /** Waits until count() reaches n or the timeout passes; returns whether it did. */
    boolean awaitCount(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return count() >= n;
    }

    Map<String, List<Seen>> completions() {
        return completions;
    }

    Map<String, List<DeadLetter>> deadLetters() {
        return deadLetters;
    }

    /** The earliest arrival of a completion the engine made at or after {@code millis}, or -1. */
    long firstArrivalOfCompletedAtOrAfter(long millis) {
        long first = Long.MAX_VALUE;
        for (List<Seen> list : completions.values()) {
            for (Seen seen : list) {
                if (seen.completedAtMillis() >= millis && seen.arrivedAtMillis() < first) {
                    first = seen.arrivedAtMillis();
                }
            }
        }
        return first == Long.MAX_VALUE ? -1 : first;
    }

    /** Completions that match. */
    long countCompletions(Predicate<Seen> filter) {
        return completions.values().stream().flatMap(List::stream).filter(filter).count();
    }

    /** Arrival times of every completion, in order (kept only when asked for). */
    List<Long> arrivals() {
        synchronized (arrivals) {
            return new ArrayList<>(arrivals);
        }
    }

    /** Exactly-once accounting of a job: ids never seen, ids seen more than once, ids seen outside their tenant's topic. */
    Accounting account(Map<String, String> tenantById) {
        long lost = 0;
        long duplicated = 0;
        long crossTenant = 0;
        for (Map.Entry<String, String> expected : tenantById.entrySet()) {
            List<Seen> seen = completions.get(expected.getKey());
            if (seen == null || seen.isEmpty()) {
                lost++;
                continue;
            }
            if (seen.size() > 1) {
                duplicated += seen.size() - 1;
            }
            for (Seen one : seen) {
                if (!one.topic().equals(workload.outputTopic(expected.getValue()))) {
                    crossTenant++;
                }
            }
        }
        return new Accounting(tenantById.size(), lost, duplicated, crossTenant);
    }

    record Accounting(long expected, long lost, long duplicated, long crossTenant) {
        boolean exact() {
            return lost == 0 && duplicated == 0 && crossTenant == 0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(10_000);
    }
}
