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
 */
public final class BatchShare {

    private final int reservedSequences;

    /**
     * @param minShare in [0, 1]
     * @param maxNumSeqs the running batch's size (max.num.seqs)
     */
    public BatchShare(double minShare, int maxNumSeqs) {
        if (!(minShare >= 0 && minShare <= 1)) {
            throw new IllegalArgumentException("batch share must be in [0, 1], got " + minShare);
        }
        this.reservedSequences = (int) Math.ceil(minShare * maxNumSeqs);
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
