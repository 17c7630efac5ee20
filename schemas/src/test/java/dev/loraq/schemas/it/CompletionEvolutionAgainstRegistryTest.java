package dev.loraq.schemas.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.registry.CompatibilityLevel;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.Records;
import dev.loraq.schemas.serde.WireFormat;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Completion's usage gained {@code engine_nanos} (with a default): a registry holding the Completion of engines before
 * it must accept today's as BACKWARD compatible, and completions those engines wrote must read with engine_nanos 0.
 */
@ExtendWith(LocalStackExtension.class)
class CompletionEvolutionAgainstRegistryTest {

    private final LocalStack stack;

    CompletionEvolutionAgainstRegistryTest(LocalStack stack) {
        this.stack = stack;
    }

    /** Today's Completion without usage.engine_nanos: what engines before the field registered. */
    static Schema withoutEngineNanos() {
        Schema current = Completion.getClassSchema();
        Schema usage = current.getField("usage").schema();
        List<Schema.Field> usageFields = usage.getFields().stream().filter(f -> !f.name().equals("engine_nanos"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema oldUsage = Schema.createRecord(usage.getName(), usage.getDoc(), usage.getNamespace(), false, usageFields);
        List<Schema.Field> fields = current.getFields().stream()
                .map(f -> new Schema.Field(f, f.name().equals("usage") ? oldUsage : f.schema())).toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    @Test
    void shouldAcceptEngineNanosAsBackwardCompatibleAndReadOldCompletionsAsZero() throws Exception {
        Schema old = withoutEngineNanos();
        assertEquals(null, old.getField("usage").schema().getField("engine_nanos"));
        String topic = "loraq.completions.evolution-" + System.nanoTime();
        String subject = topic + "-value";
        try (RestSchemaRegistryClient client = client()) {
            int oldId = client.register(subject, old);
            client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

            assertTrue(client.testCompatibility(subject, Completion.getClassSchema()).compatible(),
                    "the new usage field has a default, so BACKWARD must accept it");
            Completion written = Records.okCompletion("old-1");
            byte[] oldBytes = WireFormat.frame(oldId, encode(old, written));
            byte[] newBytes = new AvroSerializer<Completion>(client, true, false).serialize(topic, Records.okCompletion("new-1"));
            assertEquals(2, client.latest(subject).version());

            try (RestSchemaRegistryClient fresh = client()) {
                AvroDeserializer<Completion> deserializer = new AvroDeserializer<>(Completion.class, fresh);
                Completion read = deserializer.deserialize(topic, oldBytes);
                assertNotNull(read);
                assertEquals(0L, read.getUsage().getEngineNanos());
                assertEquals(written.getUsage().getPromptTokens(), read.getUsage().getPromptTokens());
                assertEquals(written.getUsage().getCompletionTokens(), read.getUsage().getCompletionTokens());
                assertEquals(written.getRequestId(), read.getRequestId());
                assertEquals(Records.okCompletion("new-1"), deserializer.deserialize(topic, newBytes));
            }
        }
    }

    private RestSchemaRegistryClient client() {
        return new RestSchemaRegistryClient(Map.of(SchemaRegistryClientConfig.URL_CONFIG, stack.registryUrl()));
    }

    /** The old engine's bytes: the completion written with the old schema (its fields are a prefix of today's). */
    private static byte[] encode(Schema writer, Completion completion) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<Completion>(writer).write(completion, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
