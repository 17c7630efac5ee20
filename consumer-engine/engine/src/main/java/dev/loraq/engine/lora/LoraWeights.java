package dev.loraq.engine.lora;

import dev.loraq.engine.model.Projection;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.ModelFormatException;
import dev.loraq.engine.model.SafetensorsFile;
import dev.loraq.engine.model.TensorInfo;

/**
 * One adapter's LoRA matrices in f32 on the heap, laid out at load time exactly as a compute backend's
 * shrink and expand read them: one packed array holding, for each layer and targeted projection, A
 * (rank x in, row-major as PEFT stores it) and B transposed (rank x out, so the expand is a vector axpy over
 * the output) at known offsets; untargeted projections have offset -1. The array is never written after
 * load, so backends reference it from a slot instead of copying (install is O(layers)). One large array
 * rather than hundreds of small ones also keeps the garbage collector from copying it between young
 * generations (G1 places it in its own regions).
 * {@link #load(String, AdapterConfig, Path, ModelConfig, PackedBufferPool)} may fill a recycled array (of an adapter
 * gone for good) instead of a fresh one; such an array can be longer than the layout needs, the tail unused.
 * {@link #release} hands the array back to a pool once nothing reads it any more; the weights are unusable after.
 * The rank limit is not checked here but by {@code ComputeBackend.installAdapter}, which knows its slots.
 */
public final class LoraWeights {
    private static final Pattern KEY = Pattern.compile(
            "(?:base_model\\.model\\.)?model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+)\\.lora_([AB])(?:\\.default)?\\.weight");
    private static final int PROJECTIONS = Projection.values().length;

    private final String adapterId;
    private final AdapterConfig config;
    private final int layers;
    private final int[] outFeatures;
    /** Null once {@link #release}d. */
    private float[] packed;
    private final long byteSize;
    private final int[] aOffset;
    private final int[] btOffset;

    private LoraWeights(String adapterId, AdapterConfig config, int layers, int[] outFeatures, float[] packed,
                        int[] aOffset, int[] btOffset) {
        this.adapterId = adapterId;
        this.config = config;
        this.layers = layers;
        this.outFeatures = outFeatures;
        this.packed = packed;
        this.byteSize = 4L * packed.length;
        this.aOffset = aOffset;
        this.btOffset = btOffset;
    }

    /**
     * Builds weights from matrices in PEFT layout (for tests and tools; {@link #load} is the serving path).
     *
     * @param a A matrices (rank x in) indexed {@code layer * 7 + projection.ordinal()} (null = not targeted)
     * @param b B matrices (out x rank), same indexing; copied transposed
     */
    public static LoraWeights of(String adapterId, AdapterConfig config, ModelConfig base, float[][] a, float[][] b) {
        int layers = base.numHiddenLayers();
        if (a.length != layers * PROJECTIONS || b.length != a.length) {
            throw new IllegalArgumentException("expected " + layers * PROJECTIONS + " A and B entries");
        }
        int r = config.rank();
        boolean[] targeted = new boolean[a.length];
        for (int idx = 0; idx < a.length; idx++) {
            if (a[idx] == null) {
                continue;
            }
            Projection p = Projection.values()[idx % PROJECTIONS];
            if (a[idx].length != r * base.inFeatures(p) || b[idx] == null || b[idx].length != r * base.outFeatures(p)) {
                throw new IllegalArgumentException("layer " + idx / PROJECTIONS + " " + p.moduleName()
                        + " does not fit rank " + r + " and the base shapes");
            }
            targeted[idx] = true;
        }
        int[] aOffset = new int[a.length];
        int[] btOffset = new int[a.length];
        float[] packed = new float[layout(adapterId, null, r, base, targeted, aOffset, btOffset)];
        for (int idx = 0; idx < a.length; idx++) {
            if (targeted[idx]) {
                System.arraycopy(a[idx], 0, packed, aOffset[idx], a[idx].length);
                int out = base.outFeatures(Projection.values()[idx % PROJECTIONS]);
                transpose(b[idx], 0, out, r, packed, btOffset[idx]);
            }
        }
        return new LoraWeights(adapterId, config, layers, outFeatures(base), packed, aOffset, btOffset);
    }

    /** Fills the offsets of A and B^T per targeted entry (-1 elsewhere) and returns the packed length. */
    private static int layout(String adapterId, Path file, int r, ModelConfig base, boolean[] targeted,
                              int[] aOffset, int[] btOffset) {
        long total = 0;
        for (int idx = 0; idx < targeted.length; idx++) {
            if (!targeted[idx]) {
                aOffset[idx] = -1;
                btOffset[idx] = -1;
                continue;
            }
            Projection p = Projection.values()[idx % PROJECTIONS];
            long aLen = (long) r * base.inFeatures(p);
            long bLen = (long) r * base.outFeatures(p);
            if (total + aLen + bLen > Integer.MAX_VALUE - 8) {
                throw new AdapterLoadException(AdapterLoadException.Code.BAD_FORMAT, adapterId, (file == null ? ""
                        : file + ": ") + "rank " + r + " over " + base.numHiddenLayers()
                        + " layers needs more than 2^31 f32 values, more than one packed array holds");
            }
            aOffset[idx] = (int) total;
            btOffset[idx] = (int) (total + aLen);
            total += aLen + bLen;
        }
        return (int) total;
    }

    private static int[] outFeatures(ModelConfig base) {
        int[] out = new int[PROJECTIONS];
        for (Projection p : Projection.values()) {
            out[p.ordinal()] = base.outFeatures(p);
        }
        return out;
    }

    /**
     * Reads a PEFT adapter_model.safetensors and checks it against the base model: every targeted module in
     * every layer, A of rank x in_features, B of out_features x rank. F32, F16 and BF16 are accepted.
     * The whole header is validated before any data is read, so a bad file costs no copying.
     *
     * @throws AdapterLoadException SHAPE_MISMATCH, MISSING_TENSOR or BAD_FORMAT, naming adapter, file and tensor
     */
    public static LoraWeights load(String adapterId, AdapterConfig config, Path safetensorsFile, ModelConfig base) {
        return load(adapterId, config, safetensorsFile, base, PackedBufferPool.none());
    }

    /**
     * As {@link #load(String, AdapterConfig, Path, ModelConfig)}, filling a buffer taken from {@code buffers} when one
     * fits (already touched, so no zeroing or page faults) and a fresh array otherwise.
     */
    public static LoraWeights load(String adapterId, AdapterConfig config, Path safetensorsFile, ModelConfig base,
                                   PackedBufferPool buffers) {
        int n = base.numHiddenLayers() * PROJECTIONS;
        TensorInfo[] infoA = new TensorInfo[n];
        TensorInfo[] infoB = new TensorInfo[n];
        int r = config.rank();
        SafetensorsFile file;
        try {
            file = SafetensorsFile.open(safetensorsFile);
        } catch (ModelFormatException e) {
            throw new AdapterLoadException(AdapterLoadException.Code.BAD_FORMAT, adapterId, e.getMessage(), e);
        }
        try (file) {
            for (String name : file.names()) {
                Matcher m = KEY.matcher(name);
                Projection p = m.matches() ? Projection.fromModuleName(m.group(3)) : null;
                if (p == null || !p.block().equals(m.group(2))) {
                    throw new AdapterLoadException(AdapterLoadException.Code.BAD_FORMAT, adapterId, safetensorsFile
                            + ": tensor '" + name + "' is not a LoRA A/B weight of a Llama projection");
                }
                if (!config.targetModules().contains(p)) {
                    throw new AdapterLoadException(AdapterLoadException.Code.BAD_FORMAT, adapterId, safetensorsFile
                            + ": tensor '" + name + "' is for " + p.moduleName() + ", which target_modules "
                            + config.targetModules() + " does not list");
                }
                int layer = Integer.parseInt(m.group(1));
                if (layer >= base.numHiddenLayers()) {
                    throw new AdapterLoadException(AdapterLoadException.Code.SHAPE_MISMATCH, adapterId, safetensorsFile
                            + ": tensor '" + name + "' is for layer " + layer + " but the base model has "
                            + base.numHiddenLayers() + " layers");
                }
                boolean isA = m.group(4).equals("A");
                long[] expected = isA ? new long[] {r, base.inFeatures(p)} : new long[] {base.outFeatures(p), r};
                TensorInfo info = file.info(name);
                if (!Arrays.equals(info.shape(), expected)) {
                    throw new AdapterLoadException(AdapterLoadException.Code.SHAPE_MISMATCH, adapterId, safetensorsFile
                            + ": tensor '" + name + "' has shape " + info.shapeString() + ", expected "
                            + Arrays.toString(expected) + " (rank " + r + ", base " + p.moduleName() + " "
                            + base.outFeatures(p) + "x" + base.inFeatures(p) + ")");
                }
                int idx = layer * PROJECTIONS + p.ordinal();
                TensorInfo[] target = isA ? infoA : infoB;
                if (target[idx] != null) {
                    throw new AdapterLoadException(AdapterLoadException.Code.BAD_FORMAT, adapterId, safetensorsFile
                            + ": tensor '" + name + "' appears twice (with and without .default)");
                }
                target[idx] = info;
            }
            for (int l = 0; l < base.numHiddenLayers(); l++) {
                for (Projection p : config.targetModules()) {
                    int idx = l * PROJECTIONS + p.ordinal();
                    if (infoA[idx] == null) {
                        throw missing(adapterId, safetensorsFile, l, p, true);
                    }
                    if (infoB[idx] == null) {
                        throw missing(adapterId, safetensorsFile, l, p, false);
                    }
                }
            }
            return read(adapterId, config, base, file, infoA, infoB, buffers);
        }
    }

    private static AdapterLoadException missing(String adapterId, Path file, int layer, Projection p, boolean isA) {
        return new AdapterLoadException(AdapterLoadException.Code.MISSING_TENSOR, adapterId, file
                + ": missing tensor '" + peftKey(layer, p, isA) + "'");
    }

    /** Copies the validated tensors out of the mapping into one packed array: A as stored, B transposed. */
    private static LoraWeights read(String adapterId, AdapterConfig config, ModelConfig base, SafetensorsFile file,
                                    TensorInfo[] infoA, TensorInfo[] infoB, PackedBufferPool buffers) {
        int r = config.rank();
        int n = infoA.length;
        boolean[] targeted = new boolean[n];
        for (int idx = 0; idx < n; idx++) {
            targeted[idx] = infoA[idx] != null;
        }
        int[] aOffset = new int[n];
        int[] btOffset = new int[n];
        int length = layout(adapterId, file.path(), r, base, targeted, aOffset, btOffset);
        float[] recycled = buffers.take(length);
        // A recycled buffer is overwritten wherever the offsets point, so its old contents never show.
        float[] packed = recycled != null ? recycled : new float[length];
        int[] outFeatures = outFeatures(base);
        for (int idx = 0; idx < n; idx++) {
            if (!targeted[idx]) {
                continue;
            }
            TensorInfo ia = infoA[idx];
            SafetensorsFile.toFloats(file.data(ia), ia.dtype(), packed, aOffset[idx], (int) ia.elementCount());
            TensorInfo ib = infoB[idx];
            if (TiledTranspose.handles(ib.dtype(), r)) {
                TiledTranspose.transpose(file.data(ib), ib.dtype(), outFeatures[idx % PROJECTIONS], r, packed,
                        btOffset[idx]);
            } else {
                SafetensorsFile.toFloatsTransposed(file.data(ib), ib.dtype(), outFeatures[idx % PROJECTIONS], r,
                        packed, btOffset[idx]);
            }
        }
        return new LoraWeights(adapterId, config, base.numHiddenLayers(), outFeatures, packed, aOffset, btOffset);
    }

    /** dst (cols x rows) = src (rows x cols) transposed; not on the load path. */
    private static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dst[dstOff + j * rows + i] = src[srcOff + i * cols + j];
            }
        }
    }

    /** The PEFT key of a layer's projection A or B weight. */
    public static String peftKey(int layer, Projection p, boolean isA) {
        return "base_model.model.model.layers." + layer + "." + p.block() + "." + p.moduleName()
                + (isA ? ".lora_A.weight" : ".lora_B.weight");
    }

    public String adapterId() {
        return adapterId;
    }

    public AdapterConfig config() {
        return config;
    }

    public int rank() {
        return config.rank();
    }

    public float scale() {
        return (float) config.scale();
    }

    public int layers() {
        return layers;
    }

    /**
     * The packed f32 array the offsets point into. Shared, not copied: callers must not write to it.
     */
    public float[] packed() {
        float[] p = packed;
        if (p == null) {
            throw new IllegalStateException("weights of adapter " + adapterId + " were released to a buffer pool");
        }
        return p;
    }

    /**
     * Detaches the packed array for reuse by a later load and returns it; every later {@link #packed()} (an install,
     * a read) fails instead of seeing another adapter's weights. Only its owner (the adapter cache) calls this, once
     * no compute slot references these weights and none can again.
     */
    public float[] release() {
        float[] p = packed();
        packed = null;
        return p;
    }

    /** Whether {@link #release} was called. */
    public boolean released() {
        return packed == null;
    }

    /** Offset in {@link #packed()} of A (rank x in, row-major) of a layer's projection, or -1 when not targeted. */
    public int aOffset(int layer, Projection p) {
        return aOffset[layer * PROJECTIONS + p.ordinal()];
    }

    /** Offset in {@link #packed()} of B transposed (rank x out, row-major), or -1 when not targeted. */
    public int bTransposedOffset(int layer, Projection p) {
        return btOffset[layer * PROJECTIONS + p.ordinal()];
    }

    /** A (rank x in, row-major) of a layer's projection as a fresh copy, or null when not targeted. */
    public float[] a(int layer, Projection p) {
        int idx = layer * PROJECTIONS + p.ordinal();
        // B^T directly follows A in the packed array.
        return aOffset[idx] < 0 ? null : Arrays.copyOfRange(packed(), aOffset[idx], btOffset[idx]);
    }

    /** B (out x rank, row-major, as PEFT stores it) of a layer's projection as a fresh copy, or null. */
    public float[] b(int layer, Projection p) {
        int off = bTransposedOffset(layer, p);
        if (off < 0) {
            return null;
        }
        int out = outFeatures[p.ordinal()];
        float[] b = new float[rank() * out];
        transpose(packed(), off, rank(), out, b, 0);
        return b;
    }

    /** Heap bytes of the packed array (a recycled one may be a little longer than the matrices). */
    public long byteSize() {
        return byteSize;
    }
}
