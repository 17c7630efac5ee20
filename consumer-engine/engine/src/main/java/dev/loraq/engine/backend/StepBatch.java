package dev.loraq.engine.backend;

import dev.loraq.engine.kv.KvBlockAllocator;

/**
 * The rows of one forward step, reusable and preallocated. A row is one token of one sequence at one
 * position; a prefill chunk is several rows of the same sequence at consecutive positions. Rows that ask
 * for logits get a logits row, numbered in the order they were added.
 *
 * <p>Each row carries where its sequence's K/V live, read from the {@link KvBlockAllocator} when the row is
 * added: the sequence's block table (for attention over positions 0..position) and the slot of the row's own
 * position (where the step writes its K/V), or -1 when that position is not reserved, which the backend refuses.
 * Reserve before adding rows: the table is the allocator's array of that moment.
 */
public final class StepBatch {
    private final KvBlockAllocator kv;
    private final int maxRows;
    private final int maxLogitsRows;
    private final int vocabSize;
    private final int[] kvSeq;
    private final int[] kvSlot;
    private final int[][] blockTable;
    private final int[] position;
    private final int[] token;
    private final int[] adapterSlot;
    private final int[] logitsRowOf;
    private final float[] logits;
    private int rows;
    private int logitsRows;

    public StepBatch(KvBlockAllocator kv, int maxRows, int vocabSize) {
        this(kv, maxRows, maxRows, vocabSize);
    }

    /**
     * @param kv the allocator of the backend's KV storage, whose sequences the rows belong to
     * @param maxLogitsRows most rows per step that want logits (the logits buffer is maxLogitsRows x vocab)
     */
    public StepBatch(KvBlockAllocator kv, int maxRows, int maxLogitsRows, int vocabSize) {
        if (maxRows < 1 || maxLogitsRows < 1 || maxLogitsRows > maxRows) {
            throw new IllegalArgumentException("need 1 <= maxLogitsRows <= maxRows, got " + maxLogitsRows + ", " + maxRows);
        }
        this.kv = kv;
        this.maxRows = maxRows;
        this.maxLogitsRows = maxLogitsRows;
        this.vocabSize = vocabSize;
        this.kvSeq = new int[maxRows];
        this.kvSlot = new int[maxRows];
        this.blockTable = new int[maxRows][];
        this.position = new int[maxRows];
        this.token = new int[maxRows];
        this.adapterSlot = new int[maxRows];
        this.logitsRowOf = new int[maxRows];
        this.logits = new float[maxLogitsRows * vocabSize];
    }

    public void clear() {
        rows = 0;
        logitsRows = 0;
    }

    /**
     * Adds a row.
     *
     * @param kvSeq an open sequence of the batch's {@link KvBlockAllocator}
     * @param adapterSlot the adapter slot whose LoRA applies, or -1 for the base model only
     * @return the row's logits row index, or -1 when it did not ask for logits
     */
    public int addRow(int kvSeq, int position, int token, int adapterSlot, boolean wantLogits) {
        if (rows == maxRows) {
            throw new IllegalStateException("step batch is full (" + maxRows + " rows)");
        }
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " outside the vocabulary [0, " + vocabSize + ")");
        }
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        int[] table = kv.blockTable(kvSeq);
        int lr = -1;
        if (wantLogits) {
            if (logitsRows == maxLogitsRows) {
                throw new IllegalStateException("step batch already has " + maxLogitsRows + " logits rows");
            }
            lr = logitsRows++;
        }
        this.kvSeq[rows] = kvSeq;
        this.kvSlot[rows] = kv.reservedSlot(kvSeq, position);
        this.blockTable[rows] = table;
        this.position[rows] = position;
        this.token[rows] = token;
        this.adapterSlot[rows] = adapterSlot;
        this.logitsRowOf[rows] = lr;
        rows++;
        return lr;
    }

    public int rows() {
        return rows;
    }

    public int maxRows() {
        return maxRows;
    }

    public int logitsRows() {
        return logitsRows;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int kvSeq(int row) {
        return kvSeq[row];
    }

    /** The KV storage slot of the row's position (where its K/V go), or -1 when the position is not reserved. */
    public int kvSlot(int row) {
        return kvSlot[row];
    }

    /** The row's sequence's block table: position t is in slot table[t / kvBlockSize] * kvBlockSize + t % kvBlockSize. */
    public int[] blockTable(int row) {
        return blockTable[row];
    }

    /** Tokens per block of the allocator the rows come from; the backend's storage must use the same. */
    public int kvBlockSize() {
        return kv.blockSize();
    }

    /** Blocks of the allocator the rows come from; the backend's storage must hold at least these. */
    public int kvBlocks() {
        return kv.totalBlocks();
    }

    public int position(int row) {
        return position[row];
    }

    public int token(int row) {
        return token[row];
    }

    public int adapterSlot(int row) {
        return adapterSlot[row];
    }

    /** The logits row of a batch row, or -1. */
    public int logitsRowOf(int row) {
        return logitsRowOf[row];
    }

    /** Logits of all logits rows, row-major: row i at {@link #logitsOffset(int) logitsOffset(i)}. */
    public float[] logits() {
        return logits;
    }

    public int logitsOffset(int logitsRow) {
        return logitsRow * vocabSize;
    }

    /** A copy of one logits row (allocates; for tests and cold paths). */
    public float[] logitsRow(int logitsRow) {
        float[] out = new float[vocabSize];
        System.arraycopy(logits, logitsRow * vocabSize, out, 0, vocabSize);
        return out;
    }
}
