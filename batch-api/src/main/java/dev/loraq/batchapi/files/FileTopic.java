package dev.loraq.batchapi.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.loraq.openai.http.ApiJson;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.kafka.PipelineClients;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.kafka.TopicSnapshotReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploaded files in a compacted topic, the server's only store: a file's content as records of at most the chunk
 * size (keys {@code ID/0}, {@code ID/1}, ...) and then its {@link StoredFile} (key {@code ID}), all in one partition
 * (chosen from the id as the default partitioner would) and one transaction, so a read_committed reader sees a whole
 * file or none of it. Deleting writes tombstones for every record, which compaction then removes. Reads scan the
 * id's partition to its end: any server instance sees every file committed before the read began.
 */
public final class FileTopic {

    private static final Logger LOG = LoggerFactory.getLogger(FileTopic.class);
    private static final String TRANSACTIONAL_ID_PREFIX = "loraq-batch-files-";

    private final ToolsConfig config;
    private final String topic;
    private final int chunkBytes;

    public FileTopic(ToolsConfig config, String topic, int chunkBytes) {
        this.config = config;
        this.topic = topic;
        this.chunkBytes = chunkBytes;
    }

    /** @throws PipelineException TOPIC_MISSING naming the topic when it does not exist */
    public void requireTopic() {
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireTopics(admin, config.bootstrapServers(), config.kafkaTimeoutMs(), List.of(topic));
        }
    }

    /** Stores a file whole (content, then metadata, one transaction). */
    public StoredFile put(String id, String tenantId, String filename, String purpose, long createdAt, byte[] content) {
        int chunks = Math.max(1, (content.length + chunkBytes - 1) / chunkBytes);
        StoredFile file = new StoredFile(id, tenantId, filename, purpose, content.length, createdAt, chunks);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        int partition = partition(id);
        for (int i = 0; i < chunks; i++) {
            int from = i * chunkBytes;
            byte[] chunk = java.util.Arrays.copyOfRange(content, Math.min(from, content.length), Math.min(from + chunkBytes, content.length));
            records.add(new ProducerRecord<>(topic, partition, chunkKey(id, i), chunk));
        }
        records.add(new ProducerRecord<>(topic, partition, id, json(file)));
        write(id, records, "storing", "stored");
        LOG.info("batch file stored fileId={} tenantId={} bytes={} chunks={}", id, tenantId, content.length, chunks);
        return file;
    }

    /** The file's metadata, if it is stored and not deleted. */
    public Optional<StoredFile> find(String id) {
        return Optional.ofNullable(scan(id, false).file);
    }

    /** The file's metadata and content, if it is stored and not deleted. */
    public Optional<FileContent> content(String id) {
        Scan scan = scan(id, true);
        if (scan.file == null) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, scan.file.bytes()));
        for (int i = 0; i < scan.file.chunks(); i++) {
            byte[] chunk = scan.chunks.get(chunkKey(id, i));
            if (chunk == null) {
                throw new IllegalStateException("file " + id + " in " + topic + " lacks chunk " + i + " of " + scan.file.chunks());
            }
            out.writeBytes(chunk);
        }
        return Optional.of(new FileContent(scan.file, out.toByteArray()));
    }

    /** Tombstones for the file's metadata and every chunk, in one transaction. */
    public void delete(StoredFile file) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        int partition = partition(file.id());
        records.add(new ProducerRecord<>(topic, partition, file.id(), null));
        for (int i = 0; i < file.chunks(); i++) {
            records.add(new ProducerRecord<>(topic, partition, chunkKey(file.id(), i), null));
        }
        write(file.id(), records, "deleting", "deleted");
        LOG.info("batch file deleted fileId={} tenantId={}", file.id(), file.tenantId());
    }

    private record Scan(StoredFile file, Map<String, byte[]> chunks) {
    }

    private Scan scan(String id, boolean withContent) {
        Duration timeout = Duration.ofMillis(config.kafkaTimeoutMs());
        String prefix = id + "/";
        StoredFile[] file = new StoredFile[1];
        Map<String, byte[]> chunks = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = PipelineClients.consumer(config, new ByteArrayDeserializer())) {
            TopicSnapshotReader.read(consumer, List.of(new TopicPartition(topic, partition(consumer, id))), Map.of(), timeout, record -> {
                if (id.equals(record.key())) {
                    file[0] = record.value() == null ? null : parse(record.value());
                } else if (withContent && record.key() != null && record.key().startsWith(prefix)) {
                    chunks.put(record.key(), record.value());
                }
            });
        }
        return new Scan(file[0], chunks);
    }

    private void write(String id, List<ProducerRecord<String, byte[]>> records, String what, String done) {
        Map<String, Object> props = new HashMap<>(config.kafkaClientConfig());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + id);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1024 * 1024, chunkBytes + 64 * 1024));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            PipelineClients.initTransactions(producer, config, TRANSACTIONAL_ID_PREFIX + id, "the file was not " + done);
            producer.beginTransaction();
            try {
                for (ProducerRecord<String, byte[]> record : records) {
                    producer.send(record);
                }
                producer.commitTransaction();
            } catch (KafkaException e) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                throw new PipelineException(PipelineException.Kind.PUBLISH_FAILED, what + " file " + id + " in " + topic
                        + " failed, transaction aborted: " + e, e);
            }
        }
    }

    private int partition(String id) {
        try (KafkaConsumer<String, byte[]> consumer = PipelineClients.consumer(config, new ByteArrayDeserializer())) {
            return partition(consumer, id);
        }
    }

    /** The id's partition, as the default partitioner would choose it for the key {@code id}. */
    private int partition(KafkaConsumer<String, byte[]> consumer, String id) {
        int partitions = TopicSnapshotReader.partitions(consumer, topic, Duration.ofMillis(config.kafkaTimeoutMs())).size();
        if (partitions == 0) {
            throw new PipelineException(PipelineException.Kind.TOPIC_MISSING, "topic " + topic
                    + " does not exist; create the pipeline's topics with: loraq topics --create");
        }
        return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String chunkKey(String id, int index) {
        return id + "/" + index;
    }

    private static byte[] json(StoredFile file) {
        try {
            return ApiJson.MAPPER.writeValueAsBytes(file);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StoredFile parse(byte[] value) {
        try {
            return ApiJson.MAPPER.readValue(value, StoredFile.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable file metadata in the files topic: " + e.getMessage(), e);
        }
    }
}
