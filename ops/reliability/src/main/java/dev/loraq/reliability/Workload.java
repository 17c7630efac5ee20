package dev.loraq.reliability;

import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A scenario's model, adapters, topics and jobs: a synthetic model of a preset with 12 adapters, a prompts topic, and
 * jobs spread over three tenants and the adapters (every 13th request on the base model).
 */
final class Workload {

    static final List<String> TENANTS = List.of("acme", "globex", "initech");

    private final Cluster cluster;
    private final Path dir;
    private final String prefix;
    private final OutputTopicPattern outputs;
    private final Path modelDir;
    private final Path adaptersDir;
    private final List<String> adapters;

    Workload(Cluster cluster, Path dir, String prefix, ModelPreset preset, int partitions) throws IOException {
        this.cluster = cluster;
        this.dir = dir;
        this.prefix = prefix;
        this.outputs = OutputTopicPattern.of(prefix + ".completions." + OutputTopicPattern.PLACEHOLDER);
        this.modelDir = dir.resolve("model");
        this.adaptersDir = dir.resolve("adapters");
        ModelConfig config = SyntheticModelFolder.write(modelDir, preset, 7);
        this.adapters = SyntheticModelFolder.writeAdapters(adaptersDir, config, "ad", 12, List.of(4, 8), Set.of(Projection.Q, Projection.V), 11);
        cluster.createTopic(inputTopic(), partitions, Map.of("max.message.bytes", Integer.toString(4 * 1024 * 1024)));
        cluster.createTopic(dlqTopic(), 1, Map.of());
        for (String tenant : TENANTS) {
            cluster.createTopic(outputTopic(tenant), 2, Map.of());
        }
    }

    Path dir() {
        return dir;
    }

    Cluster cluster() {
        return cluster;
    }

    List<String> adapters() {
        return adapters;
    }

    String inputTopic() {
        return prefix + ".prompts";
    }

    String dlqTopic() {
        return prefix + ".dlq";
    }

    String outputTopic(String tenant) {
        return outputs.topicFor(tenant);
    }

    String groupId() {
        return prefix + "-engines";
    }

    /** What every engine of this workload runs with (worker.id and metrics.port are added per process). */
    Map<String, String> engineSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", cluster.bootstrapServers());
        s.put("schema.registry.url", cluster.registryUrl());
        s.put("group.id", groupId());
        s.put("input.topic", inputTopic());
        s.put("output.topic.pattern", outputs.pattern());
        s.put("dlq.topic", dlqTopic());
        s.put("model.dir", modelDir.toString());
        s.put("adapters.dir", adaptersDir.toString());
        s.put("max.loras", "4");
        s.put("max.cpu.loras", "8");
        s.put("max.num.seqs", "32");
        s.put("threads", "1");
        s.put("kafka.consumer.session.timeout.ms", "10000");
        s.put("kafka.consumer.heartbeat.interval.ms", "1000");
        return s;
    }

    static PromptRequest request(String id, String jobId, String tenant, String adapter, String prompt, int maxTokens, float temperature) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setJobId(jobId)
                .setTenantId(tenant)
                .setAdapterId(adapter)
                .setPrompt(prompt)
                .setMessages(null)
                .setSampling(SamplingParams.newBuilder().setMaxTokens(maxTokens).setTemperature(temperature).setSeed(1L).build())
                .setPriority(0)
                .setSubmittedAt(Instant.now())
                .build();
    }

    /** A job of n good requests; returns request id to tenant. */
    Map<String, String> produceJob(String jobId, int n, int maxTokens, float temperature) {
        Map<String, String> tenantById = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        try (AvroSerializer<PromptRequest> serializer = serializer()) {
            for (int i = 0; i < n; i++) {
                String tenant = TENANTS.get(i % TENANTS.size());
                String adapter = i % 13 == 12 ? null : adapters.get(i % adapters.size());
                String id = jobId + "-" + i;
                tenantById.put(id, tenant);
                records.add(new ProducerRecord<>(inputTopic(), (adapter == null ? "base" : adapter).getBytes(),
                        serializer.serialize(inputTopic(), request(id, jobId, tenant, adapter, "hello number " + i, maxTokens, temperature))));
            }
        }
        send(records);
        return tenantById;
    }

    AvroSerializer<PromptRequest> serializer() {
        AvroSerializer<PromptRequest> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", cluster.registryUrl()), false);
        return serializer;
    }

    /** Sends and waits for every record; returns their metadata in order. */
    List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                futures.add(producer.send(record));
            }
            producer.flush();
            List<RecordMetadata> sent = new ArrayList<>(futures.size());
            for (Future<RecordMetadata> future : futures) {
                sent.add(future.get());
            }
            return sent;
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + inputTopic(), e);
        }
    }
}
