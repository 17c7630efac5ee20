package dev.loraq.batchapi.files;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An uploaded file's metadata, the record keyed by its id in the files topic (JSON, snake_case).
 *
 * @param createdAt epoch seconds, as OpenAI's {@code created_at}
 * @param chunks how many content records follow it (keyed {@code ID/0}, {@code ID/1}, ...)
 */
public record StoredFile(String id, @JsonProperty("tenant_id") String tenantId, String filename, String purpose, long bytes,
                         @JsonProperty("created_at") long createdAt, int chunks) {
}
