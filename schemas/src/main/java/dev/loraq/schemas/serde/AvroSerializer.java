package dev.loraq.schemas.serde;

import dev.loraq.schemas.registry.RegisteredSchema;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent wire format, with subjects named by TopicNameStrategy. The schema id
 * of each (subject, schema) pair is fetched once and cached, so the steady state makes no registry call.
 * Thread-safe once configured.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    private boolean isKey;

    private final Map<String, Map<Schema, Integer>> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka to instantiate: {@link #configure} then creates the registry client from the same config map. */
    public AvroSerializer() {
    }

    /** Uses a shared client (not closed by {@link #close}); {@link #configure} only reads isKey. */
    public AvroSerializer(SchemaRegistryClient client, boolean autoRegisterSchemas, boolean useLatestVersion) {
        this.client = client;
        this.autoRegister = autoRegisterSchemas;
        this.useLatestVersion = useLatestVersion;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (client == null) {
            SchemaRegistryClientConfig config = new SchemaRegistryClientConfig(configs);
            this.client = new RestSchemaRegistryClient(config);
            this.ownsClient = true;
            this.autoRegister = config.autoRegisterSchemas();
            this.useLatestVersion = config.useLatestVersion();
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): no schema registry client");
        }
        Schema schema = record.getSchema();
        int id = schemaId(topic, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] header = new byte[WireFormat.HEADER_LENGTH];
        WireFormat.writeHeader(header, id);
        out.write(header, 0, header.length);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, s -> writer(s, record)).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + schema.getFullName() + " with schema id " + id
                    + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(String topic, Schema schema) {
        Map<Schema, Integer> ids = idsByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        Integer id = ids.get(schema);
        if (id == null) {
            id = fetchId(SubjectNames.topicNameStrategy(topic, isKey), schema);
            ids.put(schema, id);
        }
        return id;
    }

    private int fetchId(String subject, Schema schema) {
        if (useLatestVersion) {
            RegisteredSchema latest = client.latest(subject);
            if (SchemaNormalization.parsingFingerprint64(latest.schema()) != SchemaNormalization.parsingFingerprint64(schema)) {
                throw new SerializationException("use.latest.version is set but the record's schema " + schema.getFullName()
                        + " differs from version " + latest.version() + " (id " + latest.id() + ") of subject '" + subject
                        + "'; the record class must match the latest registered schema");
            }
            return latest.id();
        }
        return autoRegister ? client.register(subject, schema) : client.lookup(subject, schema).id();
    }

    private DatumWriter<T> writer(Schema schema, T record) {
        SpecificData model = record instanceof SpecificRecordBase base ? base.getSpecificData() : SpecificData.getForSchema(schema);
        return new SpecificDatumWriter<>(schema, model);
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
