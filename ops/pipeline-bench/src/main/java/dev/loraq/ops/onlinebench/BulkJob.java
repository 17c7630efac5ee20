package dev.loraq.ops.onlinebench;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.service.config.ServiceConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A Kafka bulk job for one leg: its topics created, its PromptRequests produced before the service starts (a backlog,
 * as a submitted job is), and a read_committed reader on its own thread that notes when each completion became
 * visible, so throughput is counted in committed completions per second over any window.
 */
final class BulkJob implements AutoCloseable {

    private static final List<String> TENANTS = List.of("acme", "globex", "initech");

    private final int requests;
    private final long[] seenNanos;
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread reader;
    private volatile Throwable readerFailure;

    private BulkJob(int requests, Map<String, Object> readerProps, OutputTopicPattern outputs, String registryUrl) {
        this.requests = requests;
        this.seenNanos = new long[requests];
        this.reader = Thread.ofPlatform().name("bench-completion-reader").daemon().start(
                () -> read(readerProps, outputs, registryUrl));
    }

    /** Creates the topics of {@code config}, produces {@code requests} records and starts the reader. */
    static BulkJob produce(ServiceConfig config, int requests, List<String> adapters, int maxTokens, long seed,
                           String registryUrl) {
        String bootstrap = config.bootstrapServers();
        OutputTopicPattern outputs = OutputTopicPattern.of(config.outputTopicPattern());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(config.inputTopic(), 4, (short) 1));
            for (String tenant : TENANTS) {
                topics.add(new NewTopic(outputs.topicFor(tenant), config.topicsPartitions(), config.topicsReplicationFactor()));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the benchmark topics on " + bootstrap + ": " + e, e);
        }
        Map<String, String> registry = Map.of("schema.registry.url", registryUrl);
        Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.LINGER_MS_CONFIG, "5",
                // Produced right after the topics are created: an idempotent producer retrying a batch the new
                // partition's leader refused was seen to stall on OutOfOrderSequence until its delivery timeout. One
                // request in flight keeps the order; the reader counts each request id once.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1",
                ProducerConfig.ACKS_CONFIG, "all");
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            serializer.configure(registry, false);
            for (int i = 0; i < requests; i++) {
                PromptRequest request = request(i, adapters.get(i % adapters.size()), maxTokens, seed);
                producer.send(new ProducerRecord<>(config.inputTopic(), request.getAdapterId().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(config.inputTopic(), request)), (metadata, e) -> {
                            if (e != null) {
                                sendFailure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (sendFailure.get() != null) {
            throw new IllegalStateException("cannot produce the bulk job to " + config.inputTopic() + ": "
                    + sendFailure.get(), sendFailure.get());
        }
        Map<String, Object> readerProps = new HashMap<>();
        readerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        readerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-reader");
        readerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        readerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A completion's time is when the reader sees it: the reader must not sit in a long fetch wait meanwhile.
        readerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        readerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        readerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new BulkJob(requests, readerProps, outputs, registryUrl);
    }

    private static PromptRequest request(int i, String adapter, int maxTokens, long seed) {
        return PromptRequest.newBuilder()
                .setRequestId("bulk-" + i).setJobId("bulk").setTenantId(TENANTS.get(i % TENANTS.size()))
                .setAdapterId(adapter).setPrompt("bulk benchmark prompt number " + i + " for the offline job")
                .setMessages(null)
                .setSampling(SamplingParams.newBuilder().setMaxTokens(maxTokens).setTemperature(0f).setSeed(seed).build())
                .setPriority(0).setSubmittedAt(Instant.now())
                .build();
    }

    private void read(Map<String, Object> props, OutputTopicPattern outputs, String registryUrl) {
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
             AvroDeserializer<Completion> deserializer = new AvroDeserializer<>(Completion.class)) {
            deserializer.configure(Map.of("schema.registry.url", registryUrl), false);
            consumer.subscribe(outputs.subscription());
            while (!stop.get() && seen.get() < requests) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    String id = deserializer.deserialize(record.topic(), record.value()).getRequestId().toString();
                    if (id.startsWith("bulk-") && ids.add(id)) {
                        seenNanos[seen.get()] = System.nanoTime();
                        seen.incrementAndGet();
                    }
                }
            }
        } catch (Throwable t) {
            readerFailure = t;
        }
    }

    int requests() {
        return requests;
    }

    /** Completions visible so far. */
    int seen() {
        return seen.get();
    }

    /** When the first completion became visible; waits for it. */
    long awaitFirst(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.get() == 0) {
            if (readerFailure != null || System.nanoTime() > deadline) {
                throw new IllegalStateException("no completion of the bulk job within " + timeout
                        + (readerFailure != null ? ": " + readerFailure : ""));
            }
            Thread.sleep(5);
        }
        return seenNanos[0];
    }

    /** When the last completion became visible, or -1 while some are missing. */
    long doneNanos() {
        int n = seen.get();
        return n == requests ? seenNanos[n - 1] : -1;
    }

    /** Completions that became visible in (from, to]. */
    int seenBetween(long fromNanos, long toNanos) {
        int n = seen.get();
        int count = 0;
        for (int i = 0; i < n; i++) {
            count += seenNanos[i] > fromNanos && seenNanos[i] <= toNanos ? 1 : 0;
        }
        return count;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        reader.join(10_000);
    }
}
