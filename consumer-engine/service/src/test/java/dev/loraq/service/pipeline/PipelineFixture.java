package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.avro.JobControlAction;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.stack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
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
import org.apache.kafka.common.serialization.StringDeserializer;

/** A tiny synthetic model with adapters, per-test topics on the shared broker, and helpers to produce and read back. */
final class PipelineFixture {

    static final List<String> TENANTS = List.of("acme", "globex", "initech");

    final LocalStack stack;
    final String prefix;
    final Path modelDir;
    final Path adaptersDir;
    final List<String> adapters;

    PipelineFixture(LocalStack stack, Path dir, String prefix, int partitions) throws IOException {
        this(stack, dir, prefix, partitions, ModelPreset.TINY);
    }

    /**
     * With another model shape: the crash, stop and fence tests use {@code small} (about 27 times the compute of
     * {@code tiny} per token) so that their job is still running when the fault is injected, on any machine.
     */
    PipelineFixture(LocalStack stack, Path dir, String prefix, int partitions, ModelPreset preset) throws IOException {
        this.stack = stack;
        this.prefix = prefix;
        this.modelDir = dir.resolve("model");
        this.adaptersDir = dir.resolve("adapters");
        ModelConfig config = SyntheticModelFolder.write(modelDir, preset, 7);
        this.adapters = SyntheticModelFolder.writeAdapters(adaptersDir, config, "ad", 12, List.of(4, 8),
                Set.of(Projection.Q, Projection.V), 11);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(inputTopic(), partitions, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + inputTopic(), e);
        }
    }

    String inputTopic() {
        return prefix + ".prompts";
    }

    String outputTopic(String tenant) {
        return prefix + ".completions." + tenant;
    }

    String dlqTopic() {
        return prefix + ".dlq";
    }

    /** The job-control topic of this test's engines; it exists only in tests that create it. */
    String jobControlTopic() {
        return prefix + ".job-control";
    }

    /** Records the cancellation of a tenant's job on the job-control topic, as {@code loraq cancel} does. */
    void cancel(String jobId, String tenant) {
        try (AvroSerializer<JobControl> serializer = new AvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
            JobControl control = JobControl.newBuilder().setJobId(jobId).setTenantId(tenant).setAction(JobControlAction.CANCEL)
                    .setRequestedAt(Instant.now()).build();
            send(List.of(new ProducerRecord<>(jobControlTopic(), jobId.getBytes(), serializer.serialize(jobControlTopic(), control))));
        }
    }

    /** Service settings as flags (key=value). */
    Map<String, String> settings(String workerId) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", stack.bootstrapServers());
        s.put("schema.registry.url", stack.registryUrl());
        s.put("group.id", prefix + "-group");
        s.put("input.topic", inputTopic());
        s.put("output.topic.pattern", prefix + ".completions.{tenant}");
        s.put("dlq.topic", dlqTopic());
        s.put("job.control.topic", jobControlTopic());
        s.put("worker.id", prefix + "-" + workerId);
        s.put("commit.interval.ms", "200");
        s.put("max.queued.records", "64");
        s.put("metrics.port", "0");
        s.put("shutdown.timeout.ms", "5000");
        s.put("revocation.timeout.ms", "3000");
        s.put("topics.partitions", "2");
        s.put("model.dir", modelDir.toString());
        s.put("adapters.dir", adaptersDir.toString());
        s.put("max.loras", "4");
        s.put("max.cpu.loras", "8");
        s.put("max.num.seqs", "16");
        s.put("threads", "1");
        s.put("kafka.consumer.session.timeout.ms", "10000");
        s.put("kafka.consumer.heartbeat.interval.ms", "1000");
        return s;
    }

    ServiceConfig config(String workerId) {
        return ConfigSources.load(null, settings(workerId), Map.of());
    }

    static PromptRequest request(String id, String tenant, String adapter, String prompt, int maxTokens, float temperature) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setJobId("job-1")
                .setTenantId(tenant)
                .setAdapterId(adapter)
                .setPrompt(prompt)
                .setMessages(null)
                .setSampling(SamplingParams.newBuilder().setMaxTokens(maxTokens).setTemperature(temperature).setSeed(1L).build())
                .setPriority(0)
                .setSubmittedAt(Instant.now())
                .build();
    }

    /** A job of n good requests over the three tenants and all adapters (and the base model). Returns id -> tenant. */
    Map<String, String> produceJob(int n) {
        return produceJob(n, 3);
    }

    Map<String, String> produceJob(int n, int maxTokens) {
        return produceJob(n, maxTokens, 0f);
    }

    /**
     * A job whose requests sample at {@code temperature} (seeded): above 0 they rarely meet the end-of-sequence
     * token of the random tiny model, so each one really generates about {@code maxTokens} tokens.
     */
    Map<String, String> produceJob(int n, int maxTokens, float temperature) {
        Map<String, String> tenantById = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
            for (int i = 0; i < n; i++) {
                String tenant = TENANTS.get(i % TENANTS.size());
                String adapter = i % 13 == 12 ? null : adapters.get(i % adapters.size());
                String id = "req-" + i;
                tenantById.put(id, tenant);
                byte[] key = (adapter == null ? "base" : adapter).getBytes();
                records.add(new ProducerRecord<>(inputTopic(), key, serializer.serialize(inputTopic(),
                        request(id, tenant, adapter, "hello number " + i, maxTokens, temperature))));
            }
        }
        send(records);
        return tenantById;
    }

    /**
     * Sends requests to one partition of the input topic (keyed by adapter), in order; returns their offsets, so a
     * test knows which request sits at which offset.
     */
    List<Long> sendTo(int partition, List<PromptRequest> requests) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
            for (PromptRequest request : requests) {
                byte[] key = (request.getAdapterId() == null ? "base" : request.getAdapterId()).getBytes();
                records.add(new ProducerRecord<>(inputTopic(), partition, key, serializer.serialize(inputTopic(), request)));
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            List<Long> offsets = new ArrayList<>();
            for (var future : sent) {
                offsets.add(future.get().offset());
            }
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + inputTopic() + "-" + partition, e);
        }
    }

    /** Creates topics on the broker (1 partition each). */
    void createTopics(String... names) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, 1, (short) 1));
            }
            admin.createTopics(topics).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + List.of(names), e);
        }
    }

    /** The topics on the broker. */
    Set<String> topics() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }

    /** The group's committed offsets and metadata for the input topic, read back through an Admin client. */
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed(Admin admin) {
        try {
            return admin.listConsumerGroupOffsets(prefix + "-group").partitionsToOffsetAndMetadata().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets of " + prefix + "-group", e);
        }
    }

    Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
    }

    void send(List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    byte[] serialize(PromptRequest request) {
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", stack.registryUrl()), false);
            return serializer.serialize(inputTopic(), request);
        }
    }

    /** What the read_committed readers saw so far. */
    static final class Seen {
        final Map<String, List<Completion>> completionsByTopic = new HashMap<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();

        int completions() {
            return completionsByTopic.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Reads the tenant topics and the dead-letter topic (read_committed) until {@code expected} records or the deadline. */
    Seen readUntil(int expected, Duration timeout) {
        return readUntil(expected, timeout, Duration.ofSeconds(2));
    }

    /** As above, reading on for {@code linger} after the count is reached (to see late duplicates). */
    Seen readUntil(int expected, Duration timeout, Duration linger) {
        Seen seen = new Seen();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-reader-" + System.nanoTime());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, String> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
             AvroDeserializer<Completion> completions = new AvroDeserializer<>(Completion.class);
             AvroDeserializer<DeadLetter> letters = new AvroDeserializer<>(DeadLetter.class)) {
            completions.configure(registry, false);
            letters.configure(registry, false);
            consumer.subscribe(Pattern.compile(Pattern.quote(prefix) + "\\.(completions\\..*|dlq)"));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.completions() + seen.deadLetters.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(dlqTopic())) {
                        seen.deadLetters.add(letters.deserialize(record.topic(), record.value()));
                    } else {
                        seen.completionsByTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>())
                                .add(completions.deserialize(record.topic(), record.value()));
                    }
                }
            }
            // A little longer, so that duplicates arriving late are seen too.
            long extra = System.nanoTime() + linger.toNanos();
            while (System.nanoTime() < extra) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(dlqTopic())) {
                        seen.deadLetters.add(letters.deserialize(record.topic(), record.value()));
                    } else {
                        seen.completionsByTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>())
                                .add(completions.deserialize(record.topic(), record.value()));
                    }
                }
            }
        }
        return seen;
    }

    /** Every id exactly once, in its own tenant's topic and no other. */
    void assertExactlyOnce(Map<String, String> tenantById, Seen seen) {
        Map<String, Integer> counts = new HashMap<>();
        for (Map.Entry<String, List<Completion>> topic : seen.completionsByTopic.entrySet()) {
            for (Completion completion : topic.getValue()) {
                String id = completion.getRequestId();
                counts.merge(id, 1, Integer::sum);
                String expectedTenant = tenantById.get(id);
                if (expectedTenant != null) {
                    assertTrue(topic.getKey().equals(outputTopic(expectedTenant)),
                            "request " + id + " of tenant " + expectedTenant + " found in " + topic.getKey());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (String id : tenantById.keySet()) {
            int count = counts.getOrDefault(id, 0);
            if (count == 0) {
                missing.add(id);
            } else if (count > 1) {
                duplicated.add(id + "x" + count);
            }
        }
        assertTrue(missing.isEmpty(), missing.size() + " requests missing, e.g. " + missing.stream().limit(10).toList());
        assertTrue(duplicated.isEmpty(), duplicated.size() + " requests duplicated, e.g. " + duplicated.stream().limit(10).toList());
    }

    static void writeBrokenAdapter(Path adaptersDir, String id) throws IOException {
        Path dir = Files.createDirectories(adaptersDir.resolve(id));
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": 8, \"target_modules\": [\"q_proj\"]}");
        Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    }
}
