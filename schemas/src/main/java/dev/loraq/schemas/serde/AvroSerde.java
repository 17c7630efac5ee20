package dev.loraq.schemas.serde;

import dev.loraq.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serializer and deserializer of one record class sharing one registry client, for Kafka Streams. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private final SchemaRegistryClient client;
    private final boolean ownsClient;

    /**
     * @param ownsClient whether {@link #close} closes the client
     */
    public AvroSerde(Class<T> type, SchemaRegistryClient client, boolean autoRegisterSchemas, boolean useLatestVersion, boolean ownsClient) {
        this.serializer = new AvroSerializer<>(client, autoRegisterSchemas, useLatestVersion);
        this.deserializer = new AvroDeserializer<>(type, client);
        this.client = client;
        this.ownsClient = ownsClient;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
