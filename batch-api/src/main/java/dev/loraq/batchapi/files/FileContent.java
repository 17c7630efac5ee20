package dev.loraq.batchapi.files;

/** A stored file's metadata and its bytes, read in one scan. */
public record FileContent(StoredFile file, byte[] bytes) {
}
