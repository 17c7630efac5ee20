package dev.loraq.engine.kv;

import java.util.Arrays;

/**
 * Hands out the blocks of a paged key/value cache: a fixed budget of {@code totalBlocks} blocks of
 * {@code blockSize} tokens, a free list, and per sequence a block table that maps its token positions to blocks;
 * {@link #reserve} grows a table all-or-nothing. It holds no K/V values: the compute backend stores them (host
 * arrays on the CPU, device memory on a GPU), and a token's place there is its {@link #slot slot},
 * {@code block * blockSize + position % blockSize}. One allocator per backend; the scheduler owns it.
 *
 * <p>Not thread-safe: the engine thread owns it.
 */
public final class KvBlockAllocator {
    private final int blockSize;
    private final int totalBlocks;
    private final int[] freeStack;
    private int freeCount;
    private int[][] tables = new int[16][];
    private int[] tableLength = new int[16];
    private boolean[] open = new boolean[16];
    private int[] freeHandles = new int[16];
    private int freeHandleCount;
    private int handleCount;

    public KvBlockAllocator(int blockSize, int totalBlocks) {
        if (blockSize < 1 || totalBlocks < 1) {
            throw new IllegalArgumentException("blockSize and totalBlocks must be >= 1, got " + blockSize + ", " + totalBlocks);
        }
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        this.freeStack = new int[totalBlocks];
        for (int b = 0; b < totalBlocks; b++) {
            freeStack[b] = totalBlocks - 1 - b;
        }
        this.freeCount = totalBlocks;
    }

    public static int blocksFor(int tokens, int blockSize) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** Opens a sequence with no blocks; returns its handle. */
    public int open() {
        int h;
        if (freeHandleCount > 0) {
            h = freeHandles[--freeHandleCount];
        } else {
            h = handleCount++;
            if (h == tables.length) {
                int n = tables.length * 2;
                tables = Arrays.copyOf(tables, n);
                tableLength = Arrays.copyOf(tableLength, n);
                open = Arrays.copyOf(open, n);
                freeHandles = Arrays.copyOf(freeHandles, n);
            }
        }
        open[h] = true;
        if (tables[h] == null) {
            tables[h] = new int[4];
        }
        tableLength[h] = 0;
        return h;
    }

    /**
     * Makes room for {@code totalTokens} tokens in the sequence. Returns false, allocating nothing, when not
     * enough blocks are free.
     */
    public boolean reserve(int seq, int totalTokens) {
        check(seq);
        int need = blocksFor(totalTokens, blockSize) - tableLength[seq];
        if (need <= 0) {
            return true;
        }
        if (need > freeCount) {
            return false;
        }
        int len = tableLength[seq];
        if (tables[seq].length < len + need) {
            tables[seq] = Arrays.copyOf(tables[seq], Math.max(len + need, tables[seq].length * 2));
        }
        for (int k = 0; k < need; k++) {
            tables[seq][len + k] = freeStack[--freeCount];
        }
        tableLength[seq] = len + need;
        return true;
    }

    /** Frees the sequence's blocks and its handle (which a later {@link #open()} may reuse). */
    public void release(int seq) {
        check(seq);
        for (int k = 0; k < tableLength[seq]; k++) {
            freeStack[freeCount++] = tables[seq][k];
        }
        tableLength[seq] = 0;
        open[seq] = false;
        freeHandles[freeHandleCount++] = seq;
    }

    /** Tokens the sequence has room for. */
    public int capacity(int seq) {
        check(seq);
        return tableLength[seq] * blockSize;
    }

    public int freeBlocks() {
        return freeCount;
    }

    public int blockSize() {
        return blockSize;
    }

    public int totalBlocks() {
        return totalBlocks;
    }

    /** The token's slot in the backend's KV storage; the position must be reserved. */
    public int slot(int seq, int position) {
        int slot = reservedSlot(seq, position);
        if (slot < 0) {
            throw new IllegalStateException("KV sequence " + seq + " has no reserved slot for position " + position
                    + " (capacity " + tableLength[seq] * blockSize + ")");
        }
        return slot;
    }

    /** The token's slot in the backend's KV storage, or -1 when the position is not reserved. */
    public int reservedSlot(int seq, int position) {
        check(seq);
        int blk = position / blockSize;
        if (position < 0 || blk >= tableLength[seq]) {
            return -1;
        }
        return tables[seq][blk] * blockSize + position % blockSize;
    }

    /**
     * The sequence's block table (valid entries: capacity / blockSize). For the step's hot loops: do not modify,
     * and read it again after a {@link #reserve} that grew the sequence (growing may replace the array).
     */
    public int[] blockTable(int seq) {
        check(seq);
        return tables[seq];
    }

    private void check(int seq) {
        if (seq < 0 || seq >= handleCount || !open[seq]) {
            throw new IllegalArgumentException("KV sequence " + seq + " is not open");
        }
    }
}
