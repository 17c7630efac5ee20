package dev.loraq.engine.kv;

import java.util.Arrays;

/**
 * A paged key/value cache with a fixed budget of blocks. Each block holds {@code blockSize} tokens of K and
 * V for every layer and kv head, in f32, in one big array per layer and kind. A sequence owns a block
 * table that maps its token positions to blocks; {@link #reserve} grows it all-or-nothing.
 *
 * <p>Layout per layer: index = (block * blockSize + slotInBlock) * kvDim + head * headDim + d.
 * Not thread-safe: the engine thread owns it (compute threads only read/write rows it tells them to).
 */
public final class KvCache {
    private final int layers;
    private final int kvDim;
    private final int blockSize;
    private final int totalBlocks;
    private final float[][] keys;
    private final float[][] values;
    private final int[] freeStack;
    private int freeCount;
    private int[][] tables = new int[16][];
    private int[] tableLength = new int[16];
    private boolean[] open = new boolean[16];
    private int[] freeHandles = new int[16];
    private int freeHandleCount;
    private int handleCount;

    public KvCache(int layers, int kvDim, int blockSize, int totalBlocks) {
        if (blockSize < 1 || totalBlocks < 1) {
            throw new IllegalArgumentException("blockSize and totalBlocks must be >= 1, got " + blockSize + ", " + totalBlocks);
        }
        long perLayer = (long) totalBlocks * blockSize * kvDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV budget of " + totalBlocks + " blocks x " + blockSize + " tokens x "
                    + kvDim + " floats exceeds one array per layer; use fewer blocks");
        }
        this.layers = layers;
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        this.keys = new float[layers][(int) perLayer];
        this.values = new float[layers][(int) perLayer];
        this.freeStack = new int[totalBlocks];
        for (int b = 0; b < totalBlocks; b++) {
            freeStack[b] = totalBlocks - 1 - b;
        }
        this.freeCount = totalBlocks;
    }

    /** Bytes the cache holds for one token (all layers, K and V). */
    public static long bytesPerToken(int layers, int kvDim) {
        return 2L * layers * kvDim * Float.BYTES;
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

    public int layers() {
        return layers;
    }

    public int kvDim() {
        return kvDim;
    }

    /** Index of the token's K (or V) row in {@link #keys(int)} / {@link #values(int)}; position must be reserved. */
    public int rowOffset(int seq, int position) {
        boolean isOpen = seq >= 0 && seq < handleCount && open[seq];
        int blk = position / blockSize;
        if (!isOpen || position < 0 || blk >= tableLength[seq]) {
            throw new IllegalStateException("KV sequence " + seq + " has no reserved slot for position " + position
                    + " (" + (isOpen ? "capacity " + tableLength[seq] * blockSize : "sequence not open") + ")");
        }
        return (tables[seq][blk] * blockSize + position % blockSize) * kvDim;
    }

    /** The sequence's block table (valid entries: capacity / blockSize); for hot loops, do not modify. */
    public int[] blockTable(int seq) {
        check(seq);
        return tables[seq];
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    private void check(int seq) {
        if (seq < 0 || seq >= handleCount || !open[seq]) {
            throw new IllegalArgumentException("KV sequence " + seq + " is not open");
        }
    }
}
