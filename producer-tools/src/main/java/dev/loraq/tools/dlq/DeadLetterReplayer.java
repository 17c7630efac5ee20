package dev.loraq.tools.dlq;

import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.kafka.PipelineException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes dead letters' original key and value bytes, unchanged and with their headers, to their source topic (or
 * one given topic), all in one Kafka transaction with an idempotent producer (acks=all): read_committed readers such
 * as the engine see every replayed record or none. Which codes are worth replaying is the caller's decision
 * ({@link DeadLetterCodes}). Replaying the same letters again publishes them again: the caller keeps track.
 */
public final class DeadLetterReplayer {

    /** Transactional id of a replay: this prefix and the dead-letter topic. */
    public static final String TRANSACTIONAL_ID_PREFIX = "loraq-dlq-replay-";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplayer.class);

    private final ToolsConfig config;

    public DeadLetterReplayer(ToolsConfig config) {
        this.config = config;
    }

    /**
     * @param toTopic target topic of every letter; null sends each to its {@code source_topic}
     * @param dryRun check the target topics and report, publish nothing
     * @throws PipelineException when the broker does not answer, a target topic is missing or publishing fails (then
     *                           the transaction is aborted and nothing was replayed)
     */
    public ReplayResult replay(List<DeadLetterEntry> letters, String toTopic, boolean dryRun) {
        List<DeadLetterEntry> selected = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Integer> perTopic = new TreeMap<>();
        for (DeadLetterEntry entry : letters) {
            if (entry.letter().getValue() == null) {
                skipped.add("dead letter " + entry.coordinates() + " (source " + entry.source() + ", " + entry.letter().getErrorCode()
                        + ") has no value: nothing to replay");
                continue;
            }
            if (entry.letter().getValueTruncated()) {
                skipped.add("dead letter " + entry.coordinates() + " (source " + entry.source() + ", " + entry.letter().getErrorCode()
                        + ") keeps only " + entry.letter().getValue().remaining() + " of the original " + entry.letter().getOriginalValueSize()
                        + " bytes (sha256 " + entry.letter().getOriginalValueSha256() + "): resubmit the original instead");
                continue;
            }
            selected.add(entry);
            perTopic.merge(target(entry, toTopic), 1, Integer::sum);
        }
        if (!selected.isEmpty()) {
            int timeoutMs = config.kafkaTimeoutMs();
            try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
                BrokerProbe.requireReachable(admin, config.bootstrapServers(), timeoutMs);
                BrokerProbe.requireTopics(admin, config.bootstrapServers(), timeoutMs, perTopic.keySet());
            }
        }
        if (dryRun || selected.isEmpty()) {
            return new ReplayResult(selected, skipped, perTopic, dryRun);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            publish(producer, selected, toTopic);
        }
        return new ReplayResult(selected, skipped, perTopic, false);
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, List<DeadLetterEntry> selected, String toTopic) {
        PipelineClients.initTransactions(producer, config, TRANSACTIONAL_ID_PREFIX + config.dlqTopic(), "nothing was replayed");
        boolean begun = false;
        try {
            producer.beginTransaction();
            begun = true;
            List<Future<RecordMetadata>> sends = new ArrayList<>(selected.size());
            for (DeadLetterEntry entry : selected) {
                sends.add(producer.send(record(entry, target(entry, toTopic))));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
            producer.commitTransaction();
            LOG.info("dead letters replayed dlqTopic={} count={} first={} last={}", config.dlqTopic(), selected.size(),
                    selected.getFirst().coordinates(), selected.getLast().coordinates());
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (begun) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailure) {
                    // The coordinator aborts it when the transaction times out; read_committed readers never see it.
                    cause.addSuppressed(abortFailure);
                }
            }
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new PipelineException(PipelineException.Kind.PUBLISH_FAILED, "replaying " + selected.size() + " dead letter(s) of "
                    + config.dlqTopic() + " failed, transaction aborted, nothing was replayed: " + cause, cause);
        }
    }

    private static String target(DeadLetterEntry entry, String toTopic) {
        return toTopic != null ? toTopic : entry.letter().getSourceTopic();
    }

    /** No partition: the same key bytes hash to the same partition as the original, as the default partitioner did. */
    static ProducerRecord<byte[], byte[]> record(DeadLetterEntry entry, String topic) {
        DeadLetter letter = entry.letter();
        RecordHeaders headers = new RecordHeaders();
        letter.getHeaders().forEach((name, value) -> headers.add(name.toString(), bytes(value)));
        return new ProducerRecord<>(topic, null, bytes(letter.getKey()), bytes(letter.getValue()), headers);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(config.kafkaClientConfig());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One id per dead-letter topic: a second replay started while one runs fences it, so the first one's
        // transaction aborts instead of both publishing.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + config.dlqTopic());
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Math.max(60_000, config.kafkaTimeoutMs() * 4));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(config.kafkaTimeoutMs() * 2, 30_000));
        return props;
    }
}
