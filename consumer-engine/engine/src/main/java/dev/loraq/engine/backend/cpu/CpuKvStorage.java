package dev.loraq.engine.backend.cpu;

/**
 * The CPU backend's KV values: for each layer one f32 array of keys and one of values, with room for
 * {@code blocks * blockSize} token slots of {@code kvDim} floats (all kv heads). Which slot a token uses is the
 * {@link dev.loraq.engine.kv.KvBlockAllocator}'s business; this class only stores.
 *
 * <p>Layout per layer: index = slot * kvDim + head * headDim + d, slot = block * blockSize + position % blockSize.
 */
final class CpuKvStorage {
    private final int kvDim;
    private final int blockSize;
    private final int blocks;
    private final float[][] keys;
    private final float[][] values;

    CpuKvStorage(int layers, int kvDim, int blockSize, int blocks) {
        if (blockSize < 1 || blocks < 1) {
            throw new IllegalArgumentException("blockSize and totalBlocks must be >= 1, got " + blockSize + ", " + blocks);
        }
        long perLayer = (long) blocks * blockSize * kvDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV budget of " + blocks + " blocks x " + blockSize + " tokens x "
                    + kvDim + " floats exceeds one array per layer; use fewer blocks");
        }
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.keys = new float[layers][(int) perLayer];
        this.values = new float[layers][(int) perLayer];
    }

    int blockSize() {
        return blockSize;
    }

    int blocks() {
        return blocks;
    }

    /** Index of a slot's K (or V) row in {@link #keys(int)} / {@link #values(int)}. */
    int rowOffset(int slot) {
        return slot * kvDim;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }
}
