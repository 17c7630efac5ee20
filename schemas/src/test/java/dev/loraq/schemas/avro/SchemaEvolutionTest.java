package dev.loraq.schemas.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle fields (expires_at) are BACKWARD compatible: records written with the 0.1 schemas (kept as test
 * resources) are read by today's classes, the new field at its default, so producers on the old schema keep working.
 */
class SchemaEvolutionTest {

    @Test
    void shouldReadPromptRequestsOfTheFormerSchema() throws IOException {
        Schema former = former("PromptRequest-0.1.avsc");
        assertCompatible(PromptRequest.getClassSchema(), former);
        GenericRecord old = new GenericData.Record(former);
        old.put("request_id", "r1");
        old.put("job_id", "j1");
        old.put("tenant_id", "acme");
        old.put("prompt", "hello");
        GenericRecord sampling = new GenericData.Record(former.getField("sampling").schema());
        sampling.put("max_tokens", 8);
        sampling.put("temperature", 0f);
        sampling.put("top_p", 1f);
        sampling.put("top_k", 0);
        sampling.put("stop", java.util.List.of());
        old.put("sampling", sampling);
        old.put("priority", 3);
        old.put("submitted_at", 1_000L);
        old.put("metadata", Map.of());

        PromptRequest read = read(old, former, PromptRequest.getClassSchema());

        assertEquals("r1", read.getRequestId());
        assertEquals(3, read.getPriority());
        assertNull(read.getExpiresAt(), "a former record has no completion window");
    }

    @Test
    void shouldReadJobManifestsOfTheFormerSchema() throws IOException {
        Schema former = former("JobManifest-0.1.avsc");
        assertCompatible(JobManifest.getClassSchema(), former);
        GenericRecord old = new GenericData.Record(former);
        old.put("job_id", "j1");
        old.put("tenant_id", "acme");
        old.put("request_count", 2L);
        old.put("submitted_at", 1_000L);
        GenericRecord output = new GenericData.Record(former.getField("output").schema());
        output.put("format", new GenericData.EnumSymbol(former.getField("output").schema().getField("format").schema(), "LORAQ"));
        output.put("include_prompt", false);
        old.put("output", output);
        old.put("metadata", Map.of());

        JobManifest read = read(old, former, JobManifest.getClassSchema());

        assertEquals(2L, read.getRequestCount());
        assertEquals(Instant.ofEpochMilli(1_000), read.getSubmittedAt());
        assertNull(read.getExpiresAt());
    }

    private static void assertCompatible(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(), result.getDescription());
    }

    private static <T> T read(GenericRecord record, Schema writer, Schema reader) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<T>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    private static Schema former(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
