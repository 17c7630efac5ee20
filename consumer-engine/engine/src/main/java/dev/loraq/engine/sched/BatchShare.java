package dev.loraq.engine.sched;

import dev.loraq.engine.generation.RequestClass;

/**
 * The rule between request classes (scheduling.batch.min.share): interactive requests are admitted before batch ones,
 * except that while batch requests wait, they are guaranteed {@code ceil(share * max.num.seqs)} of the running batch's
 * sequences. A free sequence goes to the oldest-ranked batch request (by the policy) whenever fewer batch sequences than
 * that are running; otherwise to an interactive request, and to batch work only when no interactive request can be
 * admitted. The guarantee is a floor, not a cap: with no interactive traffic batch work uses every sequence, and with
 * no batch work waiting interactive requests do. Sequences are never preempted, so a batch request waiting for its
 * share gets the next sequence that frees. A share of 0 is strict priority (batch work may starve).
 *
 * <p>Interactive headroom (scheduling.interactive.headroom.share): while interactive requests arrived within the last
 * scheduling.interactive.window.ms, batch work may fill at most {@code max.num.seqs - headroom} sequences, so an
 * interactive request finds a free sequence at once instead of waiting for a batch request to finish (no preemption
 * needed). Without recent interactive traffic batch work uses every sequence, so a Kafka-only engine loses nothing.
 * The headroom never cuts into the batch floor.
 */
public final class BatchShare {

    private final int reservedSequences;
    private final int batchCapWhileInteractive;
    private final long windowNanos;
    private long lastInteractiveNanos;
    private boolean interactiveSeen;

    /**
     * @param minShare in [0, 1]
     * @param maxNumSeqs the running batch's size (max.num.seqs)
     */
    public BatchShare(double minShare, int maxNumSeqs) {
        this(minShare, 0, 0, maxNumSeqs);
    }

    /**
     * @param minShare in [0, 1]
     * @param headroomShare in [0, 1]: sequences kept free for interactive requests while they arrive
     * @param windowNanos how long after the last interactive arrival the headroom holds
     * @param maxNumSeqs the running batch's size (max.num.seqs)
     */
    public BatchShare(double minShare, double headroomShare, long windowNanos, int maxNumSeqs) {
        if (!(minShare >= 0 && minShare <= 1)) {
            throw new IllegalArgumentException("batch share must be in [0, 1], got " + minShare);
        }
        if (!(headroomShare >= 0 && headroomShare <= 1)) {
            throw new IllegalArgumentException("interactive headroom share must be in [0, 1], got " + headroomShare);
        }
        this.reservedSequences = (int) Math.ceil(minShare * maxNumSeqs);
        int headroom = Math.min((int) Math.ceil(headroomShare * maxNumSeqs), maxNumSeqs - reservedSequences);
        this.batchCapWhileInteractive = maxNumSeqs - headroom;
        this.windowNanos = windowNanos;
    }

    /** Notes an interactive request's arrival (scheduler thread). */
    public void interactiveArrived(long nowNanos) {
        lastInteractiveNanos = nowNanos;
        interactiveSeen = true;
    }

    /** Whether a batch request may take a free sequence now, with {@code runningBatch} batch sequences running. */
    public boolean batchMayTake(int runningBatch, long nowNanos) {
        boolean interactiveRecently = interactiveSeen && nowNanos - lastInteractiveNanos <= windowNanos;
        return !interactiveRecently || runningBatch < batchCapWhileInteractive;
    }

    /** Running sequences guaranteed to batch requests while some wait. */
    public int reservedSequences() {
        return reservedSequences;
    }

    /** The class whose queues are asked first for the next admission. */
    public RequestClass first(int runningBatch, boolean batchWaiting) {
        return batchWaiting && runningBatch < reservedSequences ? RequestClass.BATCH : RequestClass.INTERACTIVE;
    }
}
