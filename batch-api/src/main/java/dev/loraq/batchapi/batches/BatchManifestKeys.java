package dev.loraq.batchapi.batches;

import dev.loraq.schemas.avro.JobManifest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a batch's OpenAI fields live in its JobManifest's metadata (the manifest is the batch's only record, so every
 * server instance reads the same batch): the input file, the completion window as asked, and the caller's metadata
 * under a prefix.
 */
public final class BatchManifestKeys {

    public static final String INPUT_FILE_ID = "openai.batch.input_file_id";
    public static final String COMPLETION_WINDOW = "openai.batch.completion_window";
    public static final String METADATA_PREFIX = "openai.batch.metadata.";

    private BatchManifestKeys() {
    }

    /** The manifest metadata of a new batch. */
    public static Map<String, String> of(String inputFileId, String completionWindow, Map<String, String> metadata) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(INPUT_FILE_ID, inputFileId);
        keys.put(COMPLETION_WINDOW, completionWindow);
        metadata.forEach((k, v) -> keys.put(METADATA_PREFIX + k, v));
        return keys;
    }

    /** Whether the job was created through the Batch API (other jobs of the tenant are not listed as batches). */
    public static boolean isBatch(JobManifest manifest) {
        return manifest.getMetadata().containsKey(INPUT_FILE_ID);
    }

    /** The caller's metadata, prefix removed. */
    public static Map<String, String> metadata(JobManifest manifest) {
        Map<String, String> metadata = new LinkedHashMap<>();
        manifest.getMetadata().forEach((k, v) -> {
            if (k.startsWith(METADATA_PREFIX)) {
                metadata.put(k.substring(METADATA_PREFIX.length()), v);
            }
        });
        return metadata;
    }
}
