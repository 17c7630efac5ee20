package dev.loraq.schemas.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaDefinitionsTest {

    private static final List<Schema> TOP_LEVEL = List.of(PromptRequest.getClassSchema(), Completion.getClassSchema(),
            DeadLetter.getClassSchema(), JobManifest.getClassSchema(), JobControl.getClassSchema());

    @Test
    void shouldDocumentEveryRecordAndField() {
        Set<String> seen = new HashSet<>();
        for (Schema schema : TOP_LEVEL) {
            checkDocs(schema, seen);
        }
        assertTrue(seen.contains("dev.loraq.schemas.avro.ChatMessage"));
        assertTrue(seen.contains("dev.loraq.schemas.avro.Timings"));
    }

    @Test
    void shouldUseSnakeCaseFieldNames() {
        Set<String> seen = new HashSet<>();
        for (Schema schema : TOP_LEVEL) {
            checkSnakeCase(schema, seen);
        }
    }

    @Test
    void shouldBuildPromptRequestWithDocumentedDefaults() {
        PromptRequest request = PromptRequest.newBuilder().setRequestId("r").setJobId("j").setTenantId("t")
                .setPrompt("p").setSubmittedAt(java.time.Instant.EPOCH).build();

        assertEquals(256, request.getSampling().getMaxTokens());
        assertEquals(1.0f, request.getSampling().getTemperature());
        assertEquals(1.0f, request.getSampling().getTopP());
        assertEquals(0, request.getSampling().getTopK());
        assertEquals(null, request.getSampling().getSeed());
        assertEquals(List.of(), request.getSampling().getStop());
        assertEquals(0, request.getPriority());
        assertEquals(java.util.Map.of(), request.getMetadata());
        assertEquals(null, request.getAdapterId());
        assertEquals(null, request.getExpiresAt(), "no completion window unless the submitter sets one");
    }

    @Test
    void shouldDefaultJobManifestOutputToLoraqFormat() {
        JobManifest manifest = JobManifest.newBuilder().setJobId("j").setTenantId("t").setRequestCount(3)
                .setSubmittedAt(java.time.Instant.EPOCH).build();

        assertEquals(OutputFormat.LORAQ, manifest.getOutput().getFormat());
        assertEquals(false, manifest.getOutput().getIncludePrompt());
    }

    private static void checkDocs(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                assertNotNull(schema.getDoc(), "record " + schema.getFullName() + " has no doc");
                for (Schema.Field field : schema.getFields()) {
                    assertTrue(field.doc() != null && !field.doc().isBlank(), schema.getName() + "." + field.name() + " has no doc");
                    checkDocs(field.schema(), seen);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> checkDocs(t, seen));
            case ARRAY -> checkDocs(schema.getElementType(), seen);
            case MAP -> checkDocs(schema.getValueType(), seen);
            case ENUM -> assertNotNull(schema.getDoc(), "enum " + schema.getFullName() + " has no doc");
            default -> { }
        }
    }

    private static void checkSnakeCase(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                for (Schema.Field field : schema.getFields()) {
                    assertTrue(field.name().matches("[a-z][a-z0-9_]*"), schema.getName() + "." + field.name() + " is not snake_case");
                    checkSnakeCase(field.schema(), seen);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> checkSnakeCase(t, seen));
            case ARRAY -> checkSnakeCase(schema.getElementType(), seen);
            case MAP -> checkSnakeCase(schema.getValueType(), seen);
            default -> { }
        }
    }
}
