package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.AdapterLoadKind;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.FinishReason;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.service.inference.InferenceResult;
import dev.loraq.service.metrics.ServiceMetrics;
import dev.loraq.service.output.DeadLetterSizing;
import dev.loraq.service.output.DeadLetters;
import dev.loraq.service.output.OutputRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The commit and rebalance rules on Kafka's mock clients, without a broker: {@link PartitionStates} as the mock
 * consumer's rebalance listener, a {@link TransactionalCommitter} on mock producers, Avro serdes on an in-memory
 * registry, and helpers that do what the consumer loop does with records and results.
 */
final class ConsumerFixture {

    static final String INPUT = "loraq.prompts";
    static final String DLQ = "loraq.dlq";
    static final String TENANT = "acme";
    static final String COMPLETIONS = "loraq.completions." + TENANT;
    static final TopicPartition P0 = new TopicPartition(INPUT, 0);
    static final TopicPartition P1 = new TopicPartition(INPUT, 1);
    /** MockConsumer's group metadata. */
    static final String GROUP = "dummy.group.id";

    final MockClients clients = new MockClients();
    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final ServiceMetrics metrics = new ServiceMetrics();
    final RecordingEngine engine = new RecordingEngine();
    final OutputRecords outputRecords = new OutputRecords("test-model", "w1");
    final DeadLetters deadLetters = new DeadLetters(new DeadLetterSizing(1024));
    /** Output topics that do not exist (auto-creation off). */
    final Set<String> missingTopics = new HashSet<>();
    /** What arrives from the engine while a revocation waits: one entry per wait, null for nothing. */
    final Deque<Runnable> arrivingResults = new ArrayDeque<>();
    final TransactionalCommitter committer;
    final PartitionStates states;

    ConsumerFixture(long revocationTimeoutMs) {
        this(revocationTimeoutMs, Integer.MAX_VALUE);
    }

    /** With producers whose broker refuses records over {@code maxRecordBytes}. */
    ConsumerFixture(long revocationTimeoutMs, int maxRecordBytes) {
        clients.maxRecordBytes = maxRecordBytes;
        OutputStandIns standIns = new OutputStandIns(topic -> !missingTopics.contains(topic), deadLetters, outputRecords, DLQ);
        committer = new TransactionalCommitter(clients, new AvroSerializer<>(registry, true, false), standIns, metrics, "w1",
                "loraq-engine-w1");
        committer.initTransactions();
        states = new PartitionStates(clients.consumer, engine, metrics, "w1", revocationTimeoutMs, new PartitionStates.Owner() {
            @Override
            public void takeResult(long waitMs) throws InterruptedException {
                Runnable result = arrivingResults.poll();
                if (result != null) {
                    result.run();
                } else {
                    Thread.sleep(waitMs);
                }
            }

            @Override
            public boolean commit() {
                return ConsumerFixture.this.commit();
            }
        });
        clients.consumer.subscribe(List.of(INPUT), states);
        clients.consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    /** What the group has committed for a partition before it is assigned: the offset and the completed offsets above. */
    void committedInKafka(TopicPartition partition, long offset, Long... completedAbove) {
        String metadata = OffsetMetadataCodec.encode(offset, new TreeSet<>(List.of(completedAbove)));
        clients.consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset, metadata)));
    }

    /** A rebalance giving this member exactly these partitions (revoking the others, as the cooperative assignor does). */
    void assign(TopicPartition... partitions) {
        clients.consumer.rebalance(List.of(partitions));
    }

    static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "adapter-a".getBytes(StandardCharsets.UTF_8),
                ("value of " + partition + "@" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static String requestId(TopicPartition partition, long offset) {
        return "req-" + partition.partition() + "-" + offset;
    }

    /** A record read and handed to the engine. */
    InFlight submit(TopicPartition partition, long offset) {
        PromptRequest request = PromptRequest.newBuilder()
                .setRequestId(requestId(partition, offset)).setJobId("job-1").setTenantId(TENANT).setAdapterId("adapter-a")
                .setPrompt("hello").setMessages(null).setSampling(SamplingParams.newBuilder().setMaxTokens(4).build())
                .setPriority(0).setSubmittedAt(Instant.now()).build();
        InFlight inFlight = new InFlight(InFlight.engineIdOf(partition, offset), partition, record(partition, offset), request);
        states.get(partition).submitted(inFlight);
        return inFlight;
    }

    /** The engine's result for a record in flight, taken into the next transaction as a completion of {@code text}. */
    void complete(InFlight inFlight, String text) {
        PartitionState state = states.get(inFlight.partition());
        state.resultTaken(inFlight);
        Completion completion = outputRecords.completion(inFlight.request(), new InferenceResult(inFlight.engineId(), text,
                FinishReason.LENGTH, 3, 4, 1, AdapterLoadKind.WARM, 0, 2, 5_000));
        state.finished(new PendingOutput(COMPLETIONS, inFlight.request().getRequestId().getBytes(StandardCharsets.UTF_8), completion,
                inFlight.partition(), inFlight.offset(), inFlight));
    }

    /** A record read and set aside as a dead letter (it never reached the engine). */
    void deadLetter(TopicPartition partition, long offset) {
        ConsumerRecord<byte[], byte[]> record = record(partition, offset);
        states.get(partition).finished(new PendingOutput(DLQ, DeadLetters.kafkaKey(record), deadLetters.tombstone(record), partition,
                offset, null));
    }

    boolean commit() {
        return committer.commit(states, clients.consumer::groupMetadata);
    }

    /** What the consumer loop does when the commit interval is due: begins the transaction and returns. */
    void commitInBackground() {
        committer.commitInBackground(states, clients.consumer::groupMetadata);
    }

    /**
     * Begins a background transaction whose commitTransaction the broker holds: returns once it is held, with the
     * latch that releases it. Meanwhile the test does what the consumer thread goes on doing.
     */
    CountDownLatch commitHeldInBackground() throws InterruptedException {
        BrokerLikeProducer producer = clients.lastProducer();
        CountDownLatch release = producer.holdCommits();
        commitInBackground();
        producer.awaitCommitCalled();
        return release;
    }

    /** What the consumer loop does on each turn until the background transaction has ended and its outcome is applied. */
    void awaitOutcome() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (committer.isRunning()) {
            committer.takeOutcome(states);
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the background transaction did not end within 10 s");
            }
            Thread.sleep(1);
        }
    }

    /** Every output committed so far, over all producers, decoded, in order. */
    List<SpecificRecord> committedOutputs() {
        List<SpecificRecord> outputs = new ArrayList<>();
        try (AvroDeserializer<Completion> completions = new AvroDeserializer<>(Completion.class, registry);
             AvroDeserializer<DeadLetter> letters = new AvroDeserializer<>(DeadLetter.class, registry)) {
            for (BrokerLikeProducer producer : clients.producers) {
                for (ProducerRecord<byte[], byte[]> record : producer.history()) {
                    outputs.add(record.topic().equals(DLQ) ? letters.deserialize(record.topic(), record.value())
                            : completions.deserialize(record.topic(), record.value()));
                }
            }
        }
        return outputs;
    }

    /** The request ids of the committed completions and the source coordinates of the committed dead letters. */
    List<String> committedIds() {
        return committedOutputs().stream().map(output -> output instanceof Completion c ? c.getRequestId()
                : "dlq:" + ((DeadLetter) output).getSourcePartition() + "@" + ((DeadLetter) output).getSourceOffset()).toList();
    }

    /** The offsets each committed transaction sent, over all producers, in order. */
    List<Map<TopicPartition, OffsetAndMetadata>> committedOffsets() {
        List<Map<TopicPartition, OffsetAndMetadata>> offsets = new ArrayList<>();
        for (BrokerLikeProducer producer : clients.producers) {
            for (Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup : producer.consumerGroupOffsetsHistory()) {
                offsets.add(byGroup.get(GROUP));
            }
        }
        return offsets;
    }

    static OffsetAndMetadata offset(long offset, Long... completedAbove) {
        return new OffsetAndMetadata(offset, OffsetMetadataCodec.encode(offset, new TreeSet<>(List.of(completedAbove))));
    }
}
