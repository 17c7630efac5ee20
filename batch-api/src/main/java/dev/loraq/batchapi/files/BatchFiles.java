package dev.loraq.batchapi.files;

import dev.loraq.openai.http.ApiError;
import java.time.Clock;
import java.time.Instant;

/**
 * A tenant's uploaded files: validated at upload, stored in the {@link FileTopic}; another tenant's file is not found.
 */
public final class BatchFiles {

    public static final String PURPOSE_BATCH = "batch";

    private final FileTopic topic;
    private final InputFileValidator validator;
    private final Clock clock;

    public BatchFiles(FileTopic topic, InputFileValidator validator, Clock clock) {
        this.topic = topic;
        this.validator = validator;
        this.clock = clock;
    }

    /** @throws ApiError 400 for another purpose or a file with bad lines (all of them named) */
    public StoredFile upload(String tenantId, String filename, String purpose, byte[] content) {
        if (!PURPOSE_BATCH.equals(purpose)) {
            throw ApiError.badRequest("purpose", "purpose must be 'batch' (the only one this server stores), got '" + purpose + "'");
        }
        Instant now = clock.instant();
        validator.validate(filename, content, "upload", tenantId, now);
        return topic.put(FileId.newUpload(), tenantId, filename, purpose, now.getEpochSecond(), content);
    }

    /** @throws ApiError 404 when the tenant has no such uploaded file */
    public StoredFile find(String tenantId, String fileId) {
        return topic.find(requireUpload(fileId)).filter(f -> f.tenantId().equals(tenantId)).orElseThrow(() -> notFound(fileId));
    }

    /** @throws ApiError 404 when the tenant has no such uploaded file */
    public FileContent content(String tenantId, String fileId) {
        return topic.content(requireUpload(fileId)).filter(c -> c.file().tenantId().equals(tenantId))
                .orElseThrow(() -> notFound(fileId));
    }

    public StoredFile delete(String tenantId, String fileId) {
        StoredFile file = find(tenantId, fileId);
        topic.delete(file);
        return file;
    }

    private static String requireUpload(String fileId) {
        if (FileId.parse(fileId).filter(p -> p.kind() == FileId.Kind.UPLOAD).isEmpty()) {
            throw notFound(fileId);
        }
        return fileId;
    }

    public static ApiError notFound(String fileId) {
        return ApiError.notFound("file_id", "file_not_found", "No such File object: " + fileId);
    }
}
