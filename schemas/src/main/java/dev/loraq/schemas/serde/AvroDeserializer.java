package dev.loraq.schemas.serde;

import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro into a specific record class. The writer schema is resolved by the id in the
 * message (once per id) and the data is read into the class's own schema, so records written with older or newer
 * compatible schemas decode. Errors: {@link WireFormatException} for bytes not in wire format,
 * {@link dev.loraq.schemas.registry.SchemaNotFoundException} for an unknown id, a {@link SerializationException} naming
 * the id for an undecodable payload. Thread-safe once configured.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private SchemaRegistryClient client;
    private boolean ownsClient;

    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    /** {@link #configure} creates the registry client from the config map. */
    public AvroDeserializer(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    /** Uses a shared client (not closed by {@link #close}). */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this(type);
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            client = new RestSchemaRegistryClient(configs);
            ownsClient = true;
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(): no schema registry client");
        }
        int id = WireFormat.schemaId(data);
        DatumReader<T> reader = readersByWriterId.get(id);
        if (reader == null) {
            // Outside computeIfAbsent: the registry call may take long and must not hold a map bin lock.
            reader = new SpecificDatumReader<>(client.getById(id), readerSchema, model);
            readersByWriterId.putIfAbsent(id, reader);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode Avro payload of " + (data.length - WireFormat.HEADER_LENGTH)
                    + " bytes with writer schema id " + id + " into " + type.getName() + " (topic " + topic + "): " + e, e);
        }
    }

    /** The class records are read into. */
    public Class<T> type() {
        return type;
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
