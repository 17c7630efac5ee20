package dev.loraq.engine.backend.cpu;

import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.lora.AdapterLoadException;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.RotaryEmbedding;
import dev.loraq.engine.tensor.ComputePool;
import dev.loraq.engine.tensor.NativeKernels;
import dev.loraq.engine.tensor.VectorKernels;
import dev.loraq.engine.tensor.WeightMatrix;

/**
 * The Llama forward pass on CPU threads with multi-LoRA batching.
 *
 * <p>Each base projection runs once per step over all rows (a weight tile is read once and serves every
 * row). The LoRA terms {@code y += scale * (x A^T) B^T} are then added per segment: the rows are ordered by
 * adapter slot at the start of the step, and each segment (rows sharing a slot) runs the shrink
 * (rank dots per row) and the expand (rank axpys per row) with that slot's matrices, so adapters of
 * different ranks and targets mix in one step (the SGMV idea of Punica/S-LoRA). Slot matrices are f32: A as
 * rank x in, B stored transposed (rank x out) so the expand is a vector axpy over the output. A slot holds
 * a reference to the {@link LoraWeights} packed array, laid out that way at load and never written, plus
 * offsets into it.
 *
 * <p>The base weights are prepared from the stored model at construction in the kernels' layout
 * ({@link CpuWeights}: bf16 in place or int8), the KV values live in host arrays ({@link CpuKvStorage}).
 * All buffers are allocated at construction; a step does not allocate. One thread drives the backend.
 */
public final class CpuBackend implements ComputeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBackend.class);
    private static final int PROJECTIONS = Projection.values().length;

    private final CpuWeights weights;
    private final ModelConfig config;
    private final BackendOptions options;
    private final ComputePool pool;
    private final CpuKvStorage kv;
    private final RotaryEmbedding rotary;
    private final int hidden;
    private final int qDim;
    private final int kvDim;
    private final int inter;
    private final int headDim;
    private final int heads;
    private final int group;
    private final int maxRows;
    private final float eps;
    private final float attnScale;

    // Activations, rows of the step contiguous.
    private final float[] x;
    private final float[] xb;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] out;
    private final float[] gate;
    private final float[] up;
    private final float[] act;
    private final float[] xp;
    private final float[] cos;
    private final float[] sin;
    private final float[][] scores;
    private final float[][] matmulScratch;
    private final int maxContext;

    // Adapter slots.
    private final int[] slotRank;
    private final float[] slotScale;
    private final String[] slotAdapter;
    private final float[][] slotPacked;
    private final int[][] slotAOff;
    private final int[][] slotBtOff;
    private final float[] loraT;

    // Per-step row order and segments by slot.
    private final int[] order;
    private final int[] segSlot;
    private final int[] segStart;
    private final int[] segEnd;
    private final int[] slotCount;
    private int segments;

    // Current job arguments (fields, so the preallocated jobs need no captures).
    private WeightMatrix jobW;
    private float[] jobY;
    private int jobN;
    private float[] jobX;
    private int jobIn;
    private int jobOut;
    private int jobIdx;
    private int jobLayer;
    private StepBatch jobBatch;
    private final ComputePool.Job matmulJob = this::matmulPart;
    private final ComputePool.Job shrinkJob = this::shrinkPart;
    private final ComputePool.Job expandJob = this::expandPart;
    private final ComputePool.Job attentionJob = this::attentionPart;

    /** Prepares the model's weights in the CPU layout of {@code options.weightFormat()}; the model must outlive it. */
    public CpuBackend(LlamaModel stored, BackendOptions options) {
        this.config = stored.config();
        this.options = options;
        // Storage first: a KV budget it refuses then leaves no prepared weights or threads behind.
        this.kv = new CpuKvStorage(config.numHiddenLayers(), config.kvDim(), options.kvBlockSize(), options.kvBlocks());
        this.weights = CpuWeights.prepare(stored, options.weightFormat(), options.mmapWeights());
        this.pool = new ComputePool(options.effectiveThreads());
        this.rotary = new RotaryEmbedding(config);
        this.hidden = config.hiddenSize();
        this.qDim = config.queryDim();
        this.kvDim = config.kvDim();
        this.inter = config.intermediateSize();
        this.headDim = config.headDim();
        this.heads = config.numAttentionHeads();
        this.group = heads / config.numKeyValueHeads();
        this.maxRows = options.maxBatchRows();
        this.eps = (float) config.rmsNormEps();
        this.attnScale = (float) (1.0 / Math.sqrt(headDim));
        int n = maxRows;
        x = new float[n * hidden];
        xb = new float[n * hidden];
        q = new float[n * qDim];
        k = new float[n * kvDim];
        v = new float[n * kvDim];
        att = new float[n * qDim];
        out = new float[n * hidden];
        gate = new float[n * inter];
        up = new float[n * inter];
        act = new float[n * inter];
        xp = new float[n * Math.max(Math.max(hidden, qDim), inter)];
        cos = new float[n * headDim / 2];
        sin = new float[n * headDim / 2];
        maxContext = (int) Math.min(config.maxPositionEmbeddings(), (long) options.kvBlocks() * options.kvBlockSize());
        scores = new float[pool.threads()][maxContext];
        matmulScratch = new float[pool.threads()][VectorKernels.MATMUL_SCRATCH_FLOATS];
        int slots = options.adapterSlots();
        slotRank = new int[slots];
        slotScale = new float[slots];
        slotAdapter = new String[slots];
        slotPacked = new float[slots][];
        slotAOff = new int[slots][config.numHiddenLayers() * PROJECTIONS];
        slotBtOff = new int[slots][config.numHiddenLayers() * PROJECTIONS];
        for (int s = 0; s < slots; s++) {
            Arrays.fill(slotAOff[s], -1);
            Arrays.fill(slotBtOff[s], -1);
        }
        loraT = new float[n * options.maxLoraRank()];
        order = new int[n];
        segSlot = new int[slots + 1];
        segStart = new int[slots + 1];
        segEnd = new int[slots + 1];
        slotCount = new int[slots + 1];
        LOG.info("cpu backend ready model={} format={} memory={} threads={} species={} matmul={} slots={} maxRank={} kvBlocks={}x{} maxRows={}",
                stored.dir(), weights.format(), weights.memory(), pool.threads(), VectorKernels.species(), NativeKernels.describe(), slots,
                options.maxLoraRank(),
                options.kvBlocks(), options.kvBlockSize(), maxRows);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public int adapterSlots() {
        return options.adapterSlots();
    }

    @Override
    public int maxLoraRank() {
        return options.maxLoraRank();
    }

    @Override
    public int maxBatchRows() {
        return maxRows;
    }

    @Override
    public int kvBlocks() {
        return kv.blocks();
    }

    @Override
    public int kvBlockSize() {
        return kv.blockSize();
    }

    /** Weight bytes one decode step streams in the prepared format (for the decode benchmark's bandwidth). */
    public long streamedBytesPerToken() {
        return weights.streamedBytesPerToken();
    }

    /** Where the streamed weights sit ({@code mmap} or {@code anon}), for the benchmarks' reports. */
    public String weightMemory() {
        return weights.memory();
    }

    @Override
    public String installedAdapter(int slot) {
        checkSlot(slot);
        return slotAdapter[slot];
    }

    @Override
    public void installAdapter(int slot, LoraWeights w) {
        checkSlot(slot);
        int r = w.rank();
        if (r > options.maxLoraRank()) {
            throw new AdapterLoadException(AdapterLoadException.Code.RANK_ABOVE_LIMIT, w.adapterId(),
                    "rank " + r + " exceeds the max LoRA rank " + options.maxLoraRank() + " of slot " + slot);
        }
        if (w.layers() != config.numHiddenLayers()) {
            throw new AdapterLoadException(AdapterLoadException.Code.SHAPE_MISMATCH, w.adapterId(),
                    "has " + w.layers() + " layers, the base model " + config.numHiddenLayers());
        }
        float[] packed = w.packed();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            for (Projection p : Projection.values()) {
                int aOff = w.aOffset(l, p);
                int btOff = w.bTransposedOffset(l, p);
                if (aOff >= 0 && (btOff - aOff != r * config.inFeatures(p)
                        || (long) btOff + (long) r * config.outFeatures(p) > packed.length)) {
                    throw new AdapterLoadException(AdapterLoadException.Code.SHAPE_MISMATCH, w.adapterId(),
                            "layer " + l + " " + p.moduleName() + " does not fit rank " + r + " and the base shapes");
                }
            }
        }
        // The slot references the adapter's packed array (laid out at load for the shrink and expand, never
        // written after), so installing is O(layers) and later installs or clears cannot change its weights.
        slotAdapter[slot] = null;
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            for (Projection p : Projection.values()) {
                int idx = l * PROJECTIONS + p.ordinal();
                slotAOff[slot][idx] = w.aOffset(l, p);
                slotBtOff[slot][idx] = w.bTransposedOffset(l, p);
            }
        }
        slotPacked[slot] = packed;
        slotRank[slot] = r;
        slotScale[slot] = w.scale();
        slotAdapter[slot] = w.adapterId();
        LOG.debug("adapter installed id={} slot={} rank={}", w.adapterId(), slot, r);
    }

    @Override
    public void clearAdapter(int slot) {
        checkSlot(slot);
        slotAdapter[slot] = null;
        slotRank[slot] = 0;
        slotPacked[slot] = null;
        Arrays.fill(slotAOff[slot], -1);
        Arrays.fill(slotBtOff[slot], -1);
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= options.adapterSlots()) {
            throw new IllegalArgumentException("adapter slot " + slot + " outside [0, " + options.adapterSlots() + ")");
        }
    }

    @Override
    public void step(StepBatch batch) {
        int n = batch.rows();
        if (n == 0) {
            return;
        }
        if (n > maxRows) {
            throw new IllegalArgumentException("step has " + n + " rows, the backend takes at most " + maxRows);
        }
        if (batch.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException("step batch vocab " + batch.vocabSize() + " != model vocab " + config.vocabSize());
        }
        if (batch.kvBlockSize() != kv.blockSize() || batch.kvBlocks() > kv.blocks()) {
            throw new IllegalArgumentException("step batch's KV allocator (" + batch.kvBlocks() + " blocks of "
                    + batch.kvBlockSize() + ") does not fit the backend's KV storage (" + kv.blocks() + " blocks of "
                    + kv.blockSize() + ")");
        }
        int half = headDim / 2;
        for (int r = 0; r < n; r++) {
            int pos = batch.position(r);
            int slot = batch.adapterSlot(r);
            if (pos >= maxContext) {
                throw new IllegalArgumentException("row " + r + " position " + pos + " beyond the context limit " + maxContext);
            }
            if (batch.kvSlot(r) < 0) {
                throw new IllegalStateException("row " + r + ": KV sequence " + batch.kvSeq(r)
                        + " has no reserved slot for position " + pos);
            }
            if (slot < -1 || slot >= options.adapterSlots() || (slot >= 0 && slotAdapter[slot] == null)) {
                throw new IllegalArgumentException("row " + r + " uses adapter slot " + slot + ", which holds no adapter");
            }
            weights.embedding().rowToFloats(batch.token(r), x, r * hidden);
            rotary.cosSin(pos, cos, sin, r * half);
        }
        orderRowsBySlot(batch, n);
        jobBatch = batch;
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            LayerWeights lw = weights.layer(l);
            jobLayer = l;
            for (int r = 0; r < n; r++) {
                VectorKernels.rmsnorm(x, r * hidden, lw.inputNorm(), xb, r * hidden, hidden, eps);
            }
            project(lw.q(), Projection.Q, xb, n, q);
            project(lw.k(), Projection.K, xb, n, k);
            project(lw.v(), Projection.V, xb, n, v);
            float[] keys = kv.keys(l);
            float[] values = kv.values(l);
            for (int r = 0; r < n; r++) {
                for (int h = 0; h < heads; h++) {
                    VectorKernels.rope(q, r * qDim + h * headDim, headDim, cos, sin, r * half);
                }
                for (int h = 0; h < config.numKeyValueHeads(); h++) {
                    VectorKernels.rope(k, r * kvDim + h * headDim, headDim, cos, sin, r * half);
                }
                int off = kv.rowOffset(batch.kvSlot(r));
                System.arraycopy(k, r * kvDim, keys, off, kvDim);
                System.arraycopy(v, r * kvDim, values, off, kvDim);
            }
            jobN = n;
            pool.run(attentionJob);
            project(lw.o(), Projection.O, att, n, out);
            VectorKernels.axpy(1f, out, 0, x, 0, n * hidden);
            for (int r = 0; r < n; r++) {
                VectorKernels.rmsnorm(x, r * hidden, lw.postAttentionNorm(), xb, r * hidden, hidden, eps);
            }
            project(lw.gate(), Projection.GATE, xb, n, gate);
            project(lw.up(), Projection.UP, xb, n, up);
            VectorKernels.siluMul(gate, 0, up, 0, act, 0, n * inter);
            project(lw.down(), Projection.DOWN, act, n, out);
            VectorKernels.axpy(1f, out, 0, x, 0, n * hidden);
        }
        int nl = 0;
        for (int r = 0; r < n; r++) {
            int lr = batch.logitsRowOf(r);
            if (lr >= 0) {
                VectorKernels.rmsnorm(x, r * hidden, weights.finalNorm(), xb, lr * hidden, hidden, eps);
                nl = Math.max(nl, lr + 1);
            }
        }
        if (nl > 0) {
            matmul(weights.lmHead(), xb, nl, batch.logits());
        }
        jobBatch = null;
    }

    /** Stable counting sort of rows by slot (-1 first), then segments of equal slot. */
    private void orderRowsBySlot(StepBatch batch, int n) {
        int slots = options.adapterSlots();
        Arrays.fill(slotCount, 0);
        for (int r = 0; r < n; r++) {
            slotCount[batch.adapterSlot(r) + 1]++;
        }
        segments = 0;
        int pos = 0;
        for (int s = 0; s <= slots; s++) {
            int c = slotCount[s];
            if (c > 0 && s > 0) {
                segSlot[segments] = s - 1;
                segStart[segments] = pos;
                segEnd[segments] = pos + c;
                segments++;
            }
            slotCount[s] = pos;
            pos += c;
        }
        for (int r = 0; r < n; r++) {
            order[slotCount[batch.adapterSlot(r) + 1]++] = r;
        }
    }

    /** y = W x for all rows, then the LoRA terms of every segment whose adapter targets this projection. */
    private void project(WeightMatrix w, Projection p, float[] input, int n, float[] y) {
        matmul(w, input, n, y);
        int idx = jobLayer * PROJECTIONS + p.ordinal();
        boolean any = false;
        for (int s = 0; s < segments; s++) {
            if (slotAOff[segSlot[s]][idx] >= 0) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        jobX = input;
        jobY = y;
        jobIn = w.cols();
        jobOut = w.rows();
        jobIdx = idx;
        pool.run(shrinkJob);
        pool.run(expandJob);
    }

    private void matmul(WeightMatrix w, float[] input, int n, float[] y) {
        VectorKernels.prepareActivations(w, input, n, xp);
        jobW = w;
        jobY = y;
        jobN = n;
        pool.run(matmulJob);
    }

    private void matmulPart(int part, int parts, int thread) {
        int rows = jobW.rows();
        VectorKernels.matmul(jobW, xp, jobN, jobY, ComputePool.split(rows, parts, part, 4),
                ComputePool.split(rows, parts, part + 1, 4), matmulScratch[thread]);
    }

    /** Shrink: t[row][j] = A[j] · x[row]; parts split the rows of the ordered segments. */
    private void shrinkPart(int part, int parts, int thread) {
        int maxRank = options.maxLoraRank();
        for (int s = 0; s < segments; s++) {
            int slot = segSlot[s];
            int aOff = slotAOff[slot][jobIdx];
            if (aOff < 0) {
                continue;
            }
            float[] a = slotPacked[slot];
            int r = slotRank[slot];
            int from = segStart[s];
            int count = segEnd[s] - from;
            // Split each segment's rank rows over the threads: every part reads its A rows once for all rows.
            int j0 = ComputePool.split(r, parts, part, 1);
            int j1 = ComputePool.split(r, parts, part + 1, 1);
            for (int j = j0; j < j1; j++) {
                for (int i = 0; i < count; i++) {
                    int row = order[from + i];
                    loraT[row * maxRank + j] = VectorKernels.dot(a, aOff + j * jobIn, jobX, row * jobIn, jobIn);
                }
            }
        }
    }

    /** Expand: y[row] += scale * sum_j t[row][j] * Bt[j]; parts split the output features. */
    private void expandPart(int part, int parts, int thread) {
        int maxRank = options.maxLoraRank();
        int c0 = ComputePool.split(jobOut, parts, part, 16);
        int c1 = ComputePool.split(jobOut, parts, part + 1, 16);
        int width = c1 - c0;
        if (width <= 0) {
            return;
        }
        for (int s = 0; s < segments; s++) {
            int slot = segSlot[s];
            int btOff = slotBtOff[slot][jobIdx];
            if (btOff < 0) {
                continue;
            }
            float[] bt = slotPacked[slot];
            int r = slotRank[slot];
            float scale = slotScale[slot];
            for (int i = segStart[s]; i < segEnd[s]; i++) {
                int row = order[i];
                for (int j = 0; j < r; j++) {
                    VectorKernels.axpy(scale * loraT[row * maxRank + j], bt, btOff + j * jobOut + c0, jobY, row * jobOut + c0, width);
                }
            }
        }
    }

    /** Causal grouped-query attention; parts split the (row, head) pairs. */
    private void attentionPart(int part, int parts, int thread) {
        StepBatch batch = jobBatch;
        int items = jobN * heads;
        int i0 = ComputePool.split(items, parts, part, 1);
        int i1 = ComputePool.split(items, parts, part + 1, 1);
        float[] sc = scores[thread];
        float[] keys = kv.keys(jobLayer);
        float[] values = kv.values(jobLayer);
        int blockSize = kv.blockSize();
        for (int item = i0; item < i1; item++) {
            int r = item / heads;
            int h = item % heads;
            int kvOff = (h / group) * headDim;
            int qOff = r * qDim + h * headDim;
            int pos = batch.position(r);
            int[] table = batch.blockTable(r);
            for (int t = 0; t <= pos; t++) {
                int off = (table[t / blockSize] * blockSize + t % blockSize) * kvDim + kvOff;
                sc[t] = VectorKernels.dot(q, qOff, keys, off, headDim) * attnScale;
            }
            VectorKernels.softmax(sc, 0, pos + 1);
            Arrays.fill(att, qOff, qOff + headDim, 0f);
            for (int t = 0; t <= pos; t++) {
                int off = (table[t / blockSize] * blockSize + t % blockSize) * kvDim + kvOff;
                VectorKernels.axpy(sc[t], values, off, att, qOff, headDim);
            }
        }
    }

    @Override
    public void close() {
        pool.close();
        weights.close();
    }
}
