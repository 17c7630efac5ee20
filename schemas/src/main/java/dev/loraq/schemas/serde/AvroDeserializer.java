package dev.loraq.schemas.serde;

import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
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
 * the id for an undecodable payload (bytes left after the record included), a {@link DecodeLimitException} for a record
 * over its {@link AvroDecodeLimits}. Decoding allocates no more than the limits allow, whatever lengths the bytes
 * declare. Thread-safe once configured.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private volatile AvroDecodeLimits limits = AvroDecodeLimits.DEFAULTS;

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
        limits = new AvroDecodeLimits(configs);
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
        if (data.length > limits.maxRecordBytes()) {
            throw new DecodeLimitException("Record of " + data.length + " bytes is over the limit of " + limits.maxRecordBytes()
                    + " bytes (topic " + topic + ")", AvroDecodeLimits.MAX_RECORD_BYTES_CONFIG);
        }
        int id = WireFormat.schemaId(data);
        DatumReader<T> reader = readersByWriterId.get(id);
        if (reader == null) {
            // Outside computeIfAbsent: the registry call may take long and must not hold a map bin lock.
            reader = new SpecificDatumReader<>(client.getById(id), readerSchema, model);
            readersByWriterId.putIfAbsent(id, reader);
        }
        int payloadLength = data.length - WireFormat.HEADER_LENGTH;
        T value;
        BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(data, WireFormat.HEADER_LENGTH, payloadLength, limits);
        try {
            value = reader.read(null, decoder);
        } catch (DecodeLimitException e) {
            throw new DecodeLimitException(e.detail() + "; writer schema id "
                    + Integer.toUnsignedString(id) + " (topic " + topic + ")", e.limitKey());
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode Avro payload of " + payloadLength + " bytes with writer schema id "
                    + Integer.toUnsignedString(id) + " into " + type.getName() + " (topic " + topic + "): " + e, e);
        }
        if (decoder.remaining() > 0) {
            throw new SerializationException("Avro payload of " + payloadLength + " bytes with writer schema id "
                    + Integer.toUnsignedString(id) + " has " + decoder.remaining() + " bytes after the complete record (topic "
                    + topic + ")");
        }
        return value;
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
