package dev.loraq.tools.progress;

/**
 * OpenAI's {@code request_counts} of a batch: {@code completed} succeeded, {@code failed} ended with an error (the
 * cancelled and expired ones included); {@code total} is -1 while the manifest has not been seen.
 */
public record RequestCounts(long total, long completed, long failed) {
}
