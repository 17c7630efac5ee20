package dev.loraq.ops.pipelinebench;

import dev.loraq.ops.benchrun.IsolatedRun;
import dev.loraq.engine.Engine;
import dev.loraq.engine.EngineStats;
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
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
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
    /** Warm-up ends once compilation took at most this share of a round's wall-clock time. */
    private static final double SETTLED_JIT_SHARE = 0.1;
    /** The steady window: from the moment this share of the results were out to the moment that share were. */
    private static final double STEADY_FROM = 0.1;
    private static final double STEADY_TO = 0.9;

    /** Workload and sizes of one run. */
    public record Settings(String preset, int requests, int adapters, int maxTokens, int partitions, int maxNumSeqs,
                           int maxLoras, int maxQueuedRecords, long commitIntervalMs, int rounds, int maxWarmUpRounds, long seed) {
        public static Settings defaults() {
            return new Settings("tiny", 2000, 20, 8, 4, 32, 8, 512, 100, 3, 8, 7);
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

        // Untimed warm-up rounds of both legs, each on its own engine, until the JIT has settled: the clients' and
        // (embedded) broker's code paths need it as much as the engine's, and on a small machine C2 keeps compiling
        // for a minute or more; a timed leg that still pays for compilation measures the compiler, not the pipeline.
        int warmUpRounds = 0;
        double jitShare = 1; // so that at least one round runs
        while (warmUpRounds < s.maxWarmUpRounds() && jitShare > SETTLED_JIT_SHARE) {
            warmUpRounds++;
            Map<String, String> warmUpSettings = serviceSettings(s, modelDir, adaptersDir, bootstrapServers, registryUrl,
                    "w" + warmUpRounds);
            Leg engine = engineAlone(warmUpSettings, workload);
            Leg pipeline = throughKafka(warmUpSettings, s, workload, bootstrapServers, registryUrl);
            jitShare = (engine.usage.jitMs() + pipeline.usage.jitMs()) / (1000 * (engine.seconds + pipeline.seconds));
            LOG.info("warm-up round={} engineSeconds={} pipelineSeconds={} jitShare={}", warmUpRounds, round(engine.seconds),
                    round(pipeline.seconds), round(jitShare));
        }
        // Legs alternate over the rounds, so that load from elsewhere on the machine falls on both alike.
        List<Leg> engineLegs = new ArrayList<>();
        List<Leg> pipelineLegs = new ArrayList<>();
        for (int round = 1; round <= s.rounds(); round++) {
            Map<String, String> settings = serviceSettings(s, modelDir, adaptersDir, bootstrapServers, registryUrl, "r" + round);
            engineLegs.add(engineAlone(settings, workload));
            pipelineLegs.add(throughKafka(settings, s, workload, bootstrapServers, registryUrl));
        }
        double engine = medianOf(engineLegs, Leg::seconds);
        double pipeline = medianOf(pipelineLegs, Leg::seconds);
        long engineTokens = engineLegs.getLast().tokens();
        long pipelineTokens = pipelineLegs.getLast().tokens();

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
        out.put("warm_up_rounds", warmUpRounds);
        out.put("warm_up_last_jit_share", round(jitShare));
        out.put("engine_completion_tokens", engineTokens);
        out.put("pipeline_completion_tokens", pipelineTokens);
        out.put("engine_seconds_median", engine);
        out.put("engine_rps", round(s.requests() / engine));
        out.put("engine_tokens_per_s", round(engineTokens / engine));
        out.put("pipeline_seconds_median", pipeline);
        out.put("pipeline_rps", round(s.requests() / pipeline));
        out.put("pipeline_tokens_per_s", round(pipelineTokens / pipeline));
        out.put("ratio", round(engine / pipeline));
        out.put("goal_ratio", 0.95);
        // The sustained rate, without the first fetch and the last transaction, which a short leg pays in full.
        double engineSteady = medianOf(engineLegs, Leg::steadySeconds);
        double pipelineSteady = medianOf(pipelineLegs, Leg::steadySeconds);
        out.put("steady_window", STEADY_FROM + "-" + STEADY_TO + " of results");
        out.put("engine_steady_rps", round((STEADY_TO - STEADY_FROM) * s.requests() / engineSteady));
        out.put("pipeline_steady_rps", round((STEADY_TO - STEADY_FROM) * s.requests() / pipelineSteady));
        out.put("steady_ratio", round(engineSteady / pipelineSteady));
        // Where the CPU went: on a shared machine the wall-clock ratio moves with other load, the CPU per request less.
        double engineCpu = medianOf(engineLegs, leg -> leg.usage().cpuMsExcludingJit() / s.requests());
        double pipelineCpu = medianOf(pipelineLegs, leg -> leg.usage().cpuMsExcludingJit() / s.requests());
        out.put("engine_cpu_ms_per_request", engineCpu);
        out.put("pipeline_cpu_ms_per_request", pipelineCpu);
        out.put("cpu_ratio", round(engineCpu / pipelineCpu));
        out.put("engine_step_seconds", medianOf(engineLegs, leg -> leg.batching().scheduler().stepSeconds()));
        out.put("pipeline_step_seconds", medianOf(pipelineLegs, leg -> leg.batching().scheduler().stepSeconds()));
        out.put("engine_mean_adapters_per_step", medianOf(engineLegs, leg -> leg.batching().scheduler().meanAdaptersPerBatch()));
        out.put("pipeline_mean_adapters_per_step", medianOf(pipelineLegs, leg -> leg.batching().scheduler().meanAdaptersPerBatch()));
        out.put("pipeline_starved_share", medianOf(pipelineLegs, leg -> leg.input().starvedShare()));
        out.put("pipeline_mean_waiting", medianOf(pipelineLegs, leg -> leg.input().meanWaiting()));
        out.put("engine_seconds_by_round", byRound(engineLegs, Leg::seconds));
        out.put("pipeline_seconds_by_round", byRound(pipelineLegs, Leg::seconds));
        out.put("engine_jit_ms_by_round", byRound(engineLegs, leg -> leg.usage().jitMs()));
        out.put("pipeline_jit_ms_by_round", byRound(pipelineLegs, leg -> leg.usage().jitMs()));
        out.put("engine_gc_ms_by_round", byRound(engineLegs, leg -> leg.usage().gcMs()));
        out.put("pipeline_gc_ms_by_round", byRound(pipelineLegs, leg -> leg.usage().gcMs()));
        return out;
    }

    /** Ends a leg that started at {@code start} (nanoTime): its figures, logged on one line. */
    private static Leg finish(String name, long start, long[] doneAt, long tokens, LegUsage.Mark usage, InputWatch watch,
                              Engine engine) throws InterruptedException {
        double seconds = (System.nanoTime() - start) / 1e9;
        LegUsage used = usage.since();
        double steady = steadySeconds(doneAt);
        InputWatch.Input input = watch.stop();
        EngineStats batching = engine.stats();
        LOG.info("{} leg done requests={} seconds={} steadySeconds={} tokens={} {} {} {}", name, doneAt.length, round(seconds),
                round(steady), tokens, used, describe(batching), input);
        return new Leg(seconds, steady, tokens, used, batching, input);
    }

    private static String describe(EngineStats s) {
        return "steps=" + s.scheduler().steps() + " stepSeconds=" + round(s.scheduler().stepSeconds()) + " meanBatch="
                + round(s.scheduler().meanBatchSize()) + " meanAdaptersPerStep=" + round(s.scheduler().meanAdaptersPerBatch())
                + " warmHits=" + s.adapters().warmHits() + " hostHits=" + s.adapters().hostHits() + " diskLoads="
                + s.adapters().diskLoads();
    }

    private static int maxNumSeqs(ServiceConfig config) {
        return Integer.parseInt(config.engineSettings().get(EngineConfig.MAX_NUM_SEQS));
    }

    private static List<Double> byRound(List<Leg> legs, ToDoubleFunction<Leg> figure) {
        return legs.stream().map(leg -> round(figure.applyAsDouble(leg))).toList();
    }

    /** The median over the rounds of one figure of a leg. */
    private static double medianOf(List<Leg> legs, ToDoubleFunction<Leg> figure) {
        return round(median(legs.stream().map(figure::applyAsDouble).toList()));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * One timed leg: {@code seconds} from the first request in to the last result out, {@code steadySeconds} from the
     * moment a tenth of the results were out to the moment nine tenths were (the sustained rate, without the start of
     * the leg and its last transaction), and what it cost the JVM.
     */
    private record Leg(double seconds, double steadySeconds, long tokens, LegUsage usage, EngineStats batching,
                       InputWatch.Input input) {
    }

    /** Seconds between the STEADY_FROM and STEADY_TO quantiles of the results' arrival times (nanoTime). */
    private static double steadySeconds(long[] doneAt) {
        long[] sorted = doneAt.clone();
        Arrays.sort(sorted);
        int from = (int) Math.floor(STEADY_FROM * (sorted.length - 1));
        int to = (int) Math.ceil(STEADY_TO * (sorted.length - 1));
        return (sorted[to] - sorted[from]) / 1e9;
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
                                                       String registryUrl, String run) {
        Map<String, String> m = IsolatedRun.settings("bench", run, bootstrapServers, registryUrl);
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
    private static Leg engineAlone(Map<String, String> settings, List<PromptRequest> workload) throws InterruptedException {
        ServiceConfig config = ConfigSources.load(null, settings, Map.of());
        Engine opened = Engine.open(new EngineConfig(config.engineSettings()));
        try (InferenceEngine engine = LocalEngine.wrap(opened)) {
            LegUsage.Mark usage = LegUsage.mark();
            InputWatch watch = InputWatch.start(opened, maxNumSeqs(config));
            long start = System.nanoTime();
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>(workload.size());
            long[] doneAt = new long[workload.size()];
            for (int i = 0; i < workload.size(); i++) {
                int index = i;
                futures.add(engine.submit(RequestTranslation.toInference("engine-" + i, workload.get(i))).thenApply(result -> {
                    doneAt[index] = System.nanoTime();
                    return result;
                }));
            }
            long tokens = 0;
            for (CompletableFuture<InferenceResult> future : futures) {
                tokens += future.join().completionTokens();
            }
            return finish("engine", start, doneAt, tokens, usage, watch, opened);
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
        Engine opened = Engine.open(new EngineConfig(config.engineSettings()));
        try (EngineService service = EngineService.start(config, LocalEngine.wrap(opened));
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
            LegUsage.Mark usage = LegUsage.mark();
            InputWatch watch = InputWatch.start(opened, maxNumSeqs(config));
            long start = System.nanoTime();
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
            Set<String> seen = new HashSet<>();
            long[] doneAt = new long[workload.size()];
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
                        doneAt[seen.size() - 1] = System.nanoTime();
                        tokens += completion.getUsage().getCompletionTokens();
                    }
                }
            }
            return finish("pipeline", start, doneAt, tokens, usage, watch, opened);
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
