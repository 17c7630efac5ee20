package dev.loraq.service.consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything the service holds for one owned partition: the offset bookkeeping of records that finish out of order,
 * the records handed to the engine, the outputs finished since the last commit and a schema-registry retry. The
 * committable offset is the lowest offset still in flight (or the next offset to read when nothing is); offsets
 * completed above it travel in the commit metadata ({@link OffsetMetadataCodec}) and are skipped when read again after
 * a restart or reassignment. Dropping the state drops all of it, so nothing of a partition that is no longer owned
 * can be committed. Owned by the consumer thread; not thread-safe.
 */
public final class PartitionState {

    private final TopicPartition partition;
    private final NavigableSet<Long> inFlight = new TreeSet<>();
    private final NavigableSet<Long> completed;
    private long nextToRead;
    private long committedOffset;
    private String committedMetadata;
    private int lastMetadataLength;
    /** Records in the engine, by offset; a result whose InFlight is not the one here is stale and dropped. */
    private final Map<Long, InFlight> work = new HashMap<>();
    /** Outputs finished since the last transaction was taken, in order: they commit with the offsets that cover them. */
    private final List<PendingOutput> outputs = new ArrayList<>();
    /** Outputs taken by the running transaction: still counted as queued until it ends. */
    private int outputsInTransaction;
    private boolean awaitingRetry;
    private long retryAtNanos;

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

    // ---- work in the engine --------------------------------------------------------------------------------

    /** A record was handed to the engine. */
    void submitted(InFlight record) {
        started(record.offset());
        work.put(record.offset(), record);
    }

    /** Whether this is the current attempt at its record (not one cancelled by a rewind or a resubmission). */
    boolean isCurrent(InFlight record) {
        return work.get(record.offset()) == record;
    }

    /** The engine's result for this record was taken; its offset stays in flight until {@link #finished}. */
    void resultTaken(InFlight record) {
        work.remove(record.offset());
    }

    /** The records in the engine (a read-only view). */
    java.util.Collection<InFlight> work() {
        return Collections.unmodifiableCollection(work.values());
    }

    int workCount() {
        return work.size();
    }

    /** Forgets the records in the engine and returns them, to be cancelled there. */
    List<InFlight> takeWork() {
        List<InFlight> taken = new ArrayList<>(work.values());
        work.clear();
        return taken;
    }

    // ---- outputs of the next transaction ----------------------------------------------------------------------

    /** A record's outcome (completion, error completion or dead letter) joins the next transaction. */
    void finished(PendingOutput output) {
        outputs.add(output);
        completed(output.sourceOffset());
    }

    /** The outputs finished since the last transaction was taken, in order (a read-only view). */
    List<PendingOutput> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Outputs not yet committed: waiting, and in the running transaction. */
    int outputCount() {
        return outputs.size() + outputsInTransaction;
    }

    /** Hands the waiting outputs, in order, to a transaction (a list of its own); outputs finished from now on wait for the next. */
    List<PendingOutput> takeOutputs() {
        List<PendingOutput> taken = new ArrayList<>(outputs);
        outputs.clear();
        outputsInTransaction = taken.size();
        return taken;
    }

    /** The transaction's outputs were committed. */
    void outputsCommitted() {
        outputsInTransaction = 0;
    }

    /** The transaction failed: its outputs (as it was to send them) wait again, before those finished since. */
    void outputsReturned(List<PendingOutput> returned) {
        outputs.addAll(0, returned);
        outputsInTransaction = 0;
    }

    /** Throws the outputs away uncommitted (their records are redone by whoever reads them next); returns how many. */
    int discardOutputs() {
        int count = outputCount();
        outputs.clear();
        outputsInTransaction = 0;
        return count;
    }

    // ---- schema registry retry --------------------------------------------------------------------------------

    /** The schema registry could not be reached: wait until {@code System.nanoTime()} passes this before reading on. */
    void retryAfter(long nanos) {
        awaitingRetry = true;
        retryAtNanos = nanos;
    }

    /** Whether the partition still waits for a registry retry at {@code now}; the wait ends once its time has come. */
    boolean awaitingRetry(long now) {
        if (awaitingRetry && retryAtNanos - now <= 0) {
            awaitingRetry = false;
        }
        return awaitingRetry;
    }

    /** Carries a pending registry retry over from the state this one replaces. */
    void keepRetryOf(PartitionState previous) {
        awaitingRetry = previous.awaitingRetry;
        retryAtNanos = previous.retryAtNanos;
    }

    @Override
    public String toString() {
        return partition + "[commit=" + commitOffset() + " next=" + nextToRead + " inFlight=" + inFlight.size()
                + " completedAbove=" + completed.size() + "]";
    }
}
