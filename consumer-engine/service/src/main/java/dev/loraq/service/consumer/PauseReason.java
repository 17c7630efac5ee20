package dev.loraq.service.consumer;

/**
 * Why a partition is paused; when several hold, the first in this order is the one counted. The tag is the
 * {@code reason} label of {@code loraq_partitions_paused} and {@code loraq_partition_pauses_total}.
 */
enum PauseReason {

    /** The loop is stopping: nothing new is read while in-flight work finishes. */
    SHUTDOWN("shutdown"),
    /** The partition's completed-offsets metadata is near Kafka's limit: wait until its low offset advances. */
    OFFSET_METADATA("offset_metadata"),
    /** The schema registry could not be reached: the record is read again after registry.unavailable.backoff.ms. */
    REGISTRY_RETRY("registry_retry"),
    /** Records read and not yet committed reached max.queued.records (all partitions, until half has drained). */
    BACKPRESSURE("backpressure");

    private final String tag;

    PauseReason(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
