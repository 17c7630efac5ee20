package dev.loraq.ops.pipelinebench;

import dev.loraq.ops.benchrun.IsolatedRun;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.InferenceEngine;
import dev.loraq.service.inference.InferenceResult;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.inference.RequestTranslation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pipeline} benchmark: one workload (requests spread round-robin over adapters, short outputs) run once
 * through the engine alone (all requests submitted at once, the same translation the service uses) and once through
 * Kafka (records produced to a fresh input topic, a running {@link EngineService}, read back read_committed from the
 * tenant topics). Both runs use a fresh engine with the same settings; the ratio of their throughputs is the price
 * of the pipeline (decoding, transactions, topics). An untimed warm-up run comes first, so JIT compilation counts
 * against neither leg.
 */
public final class PipelineBench {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBench.class);
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");

    /** Workload and sizes of one run. */
    public record Settings(String preset, int requests, int adapters, int maxTokens, int partitions, int maxNumSeqs,
                           int maxLoras, int maxQueuedRecords, long commitIntervalMs, int rounds, long seed) {
        public static Settings defaults() {
            return new Settings("tiny", 2000, 20, 8, 4, 32, 8, 512, 100, 3, 7);
        }
    }

    private PipelineBench() {
    }

    /** Runs both legs against the given broker and registry and returns the figures. */
    public static Map<String, Object> run(Path workDir, Settings s, String bootstrapServers, String registryUrl)
            throws IOException, InterruptedException {
        Path modelDir = workDir.resolve("pipeline-model-" + s.preset());
        Path adaptersDir = modelDir.resolve("adapters");
        prepareModel(modelDir, adaptersDir, s);
        List<PromptRequest> workload = workload(s);

        // Untimed warm-up on its own engine, so that neither timed leg pays for JIT compilation.
        Leg warmUp = engineAlone(serviceSettings(s, modelDir, adaptersDir, bootstrapServers, registryUrl, 0),
                workload.subList(0, Math.min(workload.size(), 500)));
        LOG.info("warm-up done seconds={}", round(warmUp.seconds));
        // Legs alternate over the rounds, so that load from elsewhere on the machine falls on both alike.
        List<Double> engineSeconds = new ArrayList<>();
        List<Double> pipelineSeconds = new ArrayList<>();
        long engineTokens = 0;
        long pipelineTokens = 0;
        for (int round = 1; round <= s.rounds(); round++) {
            Map<String, String> settings = serviceSettings(s, modelDir, adaptersDir, bootstrapServers, registryUrl, round);
            Leg engine = engineAlone(settings, workload);
            Leg pipeline = throughKafka(settings, s, workload, bootstrapServers, registryUrl);
            engineTokens = engine.tokens;
            pipelineTokens = pipeline.tokens;
            engineSeconds.add(engine.seconds);
            pipelineSeconds.add(pipeline.seconds);
        }
        double engine = median(engineSeconds);
        double pipeline = median(pipelineSeconds);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "pipeline");
        out.put("preset", s.preset());
        out.put("requests", s.requests());
        out.put("adapters", s.adapters());
        out.put("max_tokens", s.maxTokens());
        out.put("partitions", s.partitions());
        out.put("max_num_seqs", s.maxNumSeqs());
        out.put("max_loras", s.maxLoras());
        out.put("max_queued_records", s.maxQueuedRecords());
        out.put("commit_interval_ms", s.commitIntervalMs());
        out.put("rounds", s.rounds());
        out.put("engine_completion_tokens", engineTokens);
        out.put("pipeline_completion_tokens", pipelineTokens);
        out.put("engine_seconds_median", round(engine));
        out.put("engine_rps", round(s.requests() / engine));
        out.put("engine_tokens_per_s", round(engineTokens / engine));
        out.put("pipeline_seconds_median", round(pipeline));
        out.put("pipeline_rps", round(s.requests() / pipeline));
        out.put("pipeline_tokens_per_s", round(pipelineTokens / pipeline));
        out.put("ratio", round(engine / pipeline));
        out.put("goal_ratio", 0.95);
        out.put("engine_seconds_by_round", engineSeconds.stream().map(PipelineBench::round).toList());
        out.put("pipeline_seconds_by_round", pipelineSeconds.stream().map(PipelineBench::round).toList());
        return out;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private record Leg(double seconds, long tokens) {
    }

    private static void prepareModel(Path modelDir, Path adaptersDir, Settings s) throws IOException {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path marker = modelDir.resolve(".complete-" + s.adapters());
        if (Files.exists(marker)) {
            return;
        }
        ModelConfig config = SyntheticModelFolder.write(modelDir, preset, s.seed());
        SyntheticModelFolder.writeAdapters(adaptersDir, config, "a", s.adapters(), List.of(8), EnumSet.allOf(Projection.class), s.seed());
        Files.writeString(marker, "ok\n");
    }

    private static List<PromptRequest> workload(Settings s) {
        List<PromptRequest> requests = new ArrayList<>(s.requests());
        for (int i = 0; i < s.requests(); i++) {
            requests.add(PromptRequest.newBuilder()
                    .setRequestId("bench-" + i)
                    .setJobId("bench")
                    .setTenantId(TENANTS.get(i % TENANTS.size()))
                    .setAdapterId(String.format("a-%02d", i % s.adapters()))
                    .setPrompt("benchmark prompt number " + i + " for the pipeline")
                    .setMessages(null)
                    .setSampling(SamplingParams.newBuilder().setMaxTokens(s.maxTokens()).setTemperature(0f).setSeed(s.seed()).build())
                    .setPriority(0)
                    .setSubmittedAt(Instant.now())
                    .build());
        }
        return requests;
    }

    private static Map<String, String> serviceSettings(Settings s, Path modelDir, Path adaptersDir, String bootstrapServers,
                                                       String registryUrl, int round) {
        Map<String, String> m = IsolatedRun.settings("bench", "r" + round, bootstrapServers, registryUrl);
        m.put(ServiceConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(s.commitIntervalMs()));
        m.put(ServiceConfig.MAX_QUEUED_RECORDS_CONFIG, Integer.toString(s.maxQueuedRecords()));
        m.put("model.dir", modelDir.toString());
        m.put("adapters.dir", adaptersDir.toString());
        m.put("max.loras", Integer.toString(s.maxLoras()));
        m.put("max.cpu.loras", Integer.toString(Math.max(s.maxLoras(), s.adapters())));
        m.put("max.num.seqs", Integer.toString(s.maxNumSeqs()));
        m.put("max.num.batched.tokens", Integer.toString(Math.max(512, s.maxNumSeqs())));
        // The engine-alone leg submits the whole workload at once: room for all of it, and for the service's records.
        m.put(EngineConfig.MAX_WAITING_REQUESTS, Integer.toString(Math.max(4096, Math.max(s.requests(), s.maxQueuedRecords() + 500))));
        return m;
    }

    /** All requests submitted at once to a fresh engine, timed until the last result. */
    private static Leg engineAlone(Map<String, String> settings, List<PromptRequest> workload) {
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        try (InferenceEngine engine = LocalEngine.open(config.engineSettings())) {
            long start = System.nanoTime();
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>(workload.size());
            for (int i = 0; i < workload.size(); i++) {
                futures.add(engine.submit(RequestTranslation.toInference("engine-" + i, workload.get(i))));
            }
            long tokens = 0;
            for (CompletableFuture<InferenceResult> future : futures) {
                tokens += future.join().completionTokens();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("engine leg done requests={} seconds={} tokens={}", workload.size(), round(seconds), tokens);
            return new Leg(seconds, tokens);
        }
    }

    /**
     * The service is started on an empty input topic and given time to join its group; the clock starts when the
     * first record is produced and stops when the last completion is visible to a read_committed reader.
     */
    private static Leg throughKafka(Map<String, String> settings, Settings s, List<PromptRequest> workload,
                                    String bootstrapServers, String registryUrl) throws InterruptedException {
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        OutputTopicPattern outputs = OutputTopicPattern.of(config.outputTopicPattern());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(config.inputTopic(), s.partitions(), (short) 1));
            for (String tenant : TENANTS) {
                topics.add(new NewTopic(outputs.topicFor(tenant), config.topicsPartitions(),
                        config.topicsReplicationFactor()));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the benchmark topics on " + bootstrapServers + ": " + e, e);
        }
        Map<String, String> registry = Map.of("schema.registry.url", registryUrl);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(workload.size());
        try (AvroSerializer<PromptRequest> serializer = new AvroSerializer<>()) {
            serializer.configure(registry, false);
            for (PromptRequest request : workload) {
                records.add(new ProducerRecord<>(config.inputTopic(), request.getAdapterId().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(config.inputTopic(), request)));
            }
        }
        // The completion schema is registered once before timing, as in a deployment that has run before.
        try (AvroSerializer<Completion> completions = new AvroSerializer<>()) {
            completions.configure(registry, false);
            for (String tenant : TENANTS) {
                completions.serialize(outputs.topicFor(tenant), warmUpCompletion(tenant));
            }
        }
        Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.LINGER_MS_CONFIG, "5");
        Map<String, Object> readerProps = new HashMap<>();
        readerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        readerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-reader");
        readerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        readerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The clock stops when the reader sees the last completion: it must not sit in a long fetch wait meanwhile.
        readerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        readerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        readerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (EngineService service = EngineService.start(config, LocalEngine.open(config.engineSettings()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
             KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(readerProps);
             AvroDeserializer<Completion> deserializer = new AvroDeserializer<>(Completion.class)) {
            deserializer.configure(registry, false);
            reader.subscribe(outputs.subscription());
            long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!service.isReady() || reader.assignment().isEmpty()) && System.nanoTime() < joinDeadline) {
                reader.poll(Duration.ofMillis(50));
            }
            if (!service.isReady()) {
                throw new IllegalStateException("the service did not join its group within 60 s: " + service.failure());
            }
            long start = System.nanoTime();
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
            Set<String> seen = new HashSet<>();
            long tokens = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (seen.size() < workload.size()) {
                if (System.nanoTime() > deadline || !service.isHealthy()) {
                    throw new IllegalStateException("pipeline leg stopped at " + seen.size() + " of " + workload.size()
                            + " completions" + (service.failure() != null ? ": " + service.failure() : ""));
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(20))) {
                    Completion completion = deserializer.deserialize(record.topic(), record.value());
                    if (completion.getRequestId().startsWith("bench-") && seen.add(completion.getRequestId())) {
                        tokens += completion.getUsage().getCompletionTokens();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("pipeline leg done requests={} seconds={} tokens={}", workload.size(), round(seconds), tokens);
            return new Leg(seconds, tokens);
        }
    }

    private static Completion warmUpCompletion(String tenant) {
        return Completion.newBuilder()
                .setRequestId("warm-up").setJobId("warm-up").setTenantId(tenant).setAdapterId(null)
                .setStatus(dev.loraq.schemas.avro.CompletionStatus.OK).setError(null).setText("")
                .setFinishReason(dev.loraq.schemas.avro.FinishReason.LENGTH)
                .setUsage(new dev.loraq.schemas.avro.TokenUsage(0, 0, 0L))
                .setTimings(new dev.loraq.schemas.avro.Timings(0L, dev.loraq.schemas.avro.AdapterLoadKind.NONE, 0L, 0L))
                .setModelId("warm-up").setWorkerId("warm-up").setCompletedAt(Instant.now())
                .build();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
