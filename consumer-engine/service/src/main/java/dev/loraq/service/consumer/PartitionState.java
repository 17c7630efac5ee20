package dev.loraq.service.consumer;

import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset bookkeeping of one owned partition whose records finish out of order. The committable offset is the lowest
 * offset still in flight (or the next offset to read when nothing is); offsets completed above it travel in the commit
 * metadata ({@link OffsetMetadataCodec}) and are skipped when read again after a restart or reassignment.
 * Owned by the consumer thread; not thread-safe.
 */
public final class PartitionState {

    private final TopicPartition partition;
    private final NavigableSet<Long> inFlight = new TreeSet<>();
    private final NavigableSet<Long> completed;
    private long nextToRead;
    private long committedOffset;
    private String committedMetadata;
    private int lastMetadataLength;

    private PartitionState(TopicPartition partition, long start, NavigableSet<Long> completed, String metadata) {
        this.partition = partition;
        this.nextToRead = start;
        this.completed = completed;
        this.committedOffset = start;
        this.committedMetadata = metadata;
        this.lastMetadataLength = metadata.length();
    }

    /**
     * State of a newly assigned partition. {@code committed} is the group's committed offset (null when none) and
     * {@code position} the consumer's position, used when nothing was committed.
     */
    public static PartitionState assigned(TopicPartition partition, OffsetAndMetadata committed, long position) {
        if (committed == null) {
            return new PartitionState(partition, position, new TreeSet<>(), "");
        }
        String metadata = committed.metadata() == null ? "" : committed.metadata();
        return new PartitionState(partition, committed.offset(), OffsetMetadataCodec.decode(committed.offset(), metadata), metadata);
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Whether this offset was completed by an earlier owner (or earlier in this run) and must not be processed again. */
    public boolean isCompleted(long offset) {
        return completed.contains(offset) || offset < committedOffset;
    }

    /** A record was read: either started (in flight) or, when already completed, only passed over. */
    public void read(long offset) {
        nextToRead = Math.max(nextToRead, offset + 1);
    }

    /** A read record was handed to the engine (or is otherwise being worked on). */
    public void started(long offset) {
        read(offset);
        inFlight.add(offset);
    }

    /** A record's outcome (completion, error completion or dead letter) joins the current transaction. */
    public void completed(long offset) {
        read(offset);
        inFlight.remove(offset);
        completed.add(offset);
    }

    /** Offset to commit: the lowest offset in flight, or the next offset to read when nothing is in flight. */
    public long commitOffset() {
        return inFlight.isEmpty() ? nextToRead : inFlight.first();
    }

    /** The offset and metadata to commit now; forgets completed offsets below the commit offset. */
    public OffsetAndMetadata toCommit() {
        long offset = commitOffset();
        completed.headSet(offset, false).clear();
        String metadata = OffsetMetadataCodec.encode(offset, completed);
        lastMetadataLength = metadata.length();
        return new OffsetAndMetadata(offset, metadata);
    }

    /** Whether the committable position differs from what was last committed. */
    public boolean hasUncommittedProgress() {
        if (commitOffset() != committedOffset) {
            return true;
        }
        return !OffsetMetadataCodec.encode(committedOffset, completed).equals(committedMetadata);
    }

    /** Records that {@code committed} (from {@link #toCommit}) is now in Kafka. */
    public void markCommitted(OffsetAndMetadata committed) {
        committedOffset = committed.offset();
        committedMetadata = committed.metadata();
    }

    /**
     * Whether the metadata has grown near Kafka's 4,096-byte limit: the partition is then paused until the low offset
     * advances, since more completed offsets above it could not be recorded.
     */
    public boolean metadataNearLimit(int threshold) {
        return lastMetadataLength >= threshold;
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Offsets in flight, lowest first (a copy). */
    public NavigableSet<Long> inFlightOffsets() {
        return new TreeSet<>(inFlight);
    }

    /** Completed offsets above the commit offset (a copy). */
    public NavigableSet<Long> completedAboveCommit() {
        return new TreeSet<>(completed.tailSet(commitOffset(), true));
    }

    public long nextToRead() {
        return nextToRead;
    }

    @Override
    public String toString() {
        return partition + "[commit=" + commitOffset() + " next=" + nextToRead + " inFlight=" + inFlight.size()
                + " completedAbove=" + completed.size() + "]";
    }
}
