package dev.loraq.engine.lora;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.ModelFormatException;
import dev.loraq.engine.model.SafetensorsFile;
import dev.loraq.engine.model.TensorInfo;

/**
 * One adapter's LoRA matrices in f32 on the heap: for each layer and targeted projection, A (rank x in)
 * and B (out x rank), row-major as PEFT stores them. Untargeted projections are null.
 * The rank limit is not checked here but by {@code ComputeBackend.installAdapter}, which knows its slots.
 */
public final class LoraWeights {
    private static final Pattern KEY = Pattern.compile(
            "(?:base_model\\.model\\.)?model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+)\\.lora_([AB])(?:\\.default)?\\.weight");

    private final String adapterId;
    private final AdapterConfig config;
    private final int layers;
    private final float[][] a;
    private final float[][] b;

    /**
     * @param a A matrices indexed {@code layer * 7 + projection.ordinal()} (null = not targeted)
     * @param b B matrices, same indexing
     */
    public LoraWeights(String adapterId, AdapterConfig config, int layers, float[][] a, float[][] b) {
        if (a.length != layers * Projection.values().length || b.length != a.length) {
            throw new IllegalArgumentException("expected " + layers * 7 + " A and B entries");
        }
        this.adapterId = adapterId;
        this.config = config;
        this.layers = layers;
        this.a = a;
        this.b = b;
    }

    /**
     * Reads a PEFT adapter_model.safetensors and checks it against the base model: every targeted module in
     * every layer, A of rank x in_features, B of out_features x rank. F32, F16 and BF16 are accepted.
     *
     * @throws AdapterLoadException SHAPE_MISMATCH, MISSING_TENSOR or BAD_FORMAT, naming adapter, file and tensor
     */
    public static LoraWeights load(String adapterId, AdapterConfig config, Path safetensorsFile, ModelConfig base) {
        int n = base.numHiddenLayers() * Projection.values().length;
        float[][] a = new float[n][];
        float[][] b = new float[n][];
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
                if (!java.util.Arrays.equals(info.shape(), expected)) {
                    throw new AdapterLoadException(AdapterLoadException.Code.SHAPE_MISMATCH, adapterId, safetensorsFile
                            + ": tensor '" + name + "' has shape " + info.shapeString() + ", expected "
                            + java.util.Arrays.toString(expected) + " (rank " + r + ", base " + p.moduleName() + " "
                            + base.outFeatures(p) + "x" + base.inFeatures(p) + ")");
                }
                int idx = layer * Projection.values().length + p.ordinal();
                float[][] target = isA ? a : b;
                if (target[idx] != null) {
                    throw new AdapterLoadException(AdapterLoadException.Code.BAD_FORMAT, adapterId, safetensorsFile
                            + ": tensor '" + name + "' appears twice (with and without .default)");
                }
                target[idx] = file.readFloats(name);
            }
        }
        for (int l = 0; l < base.numHiddenLayers(); l++) {
            for (Projection p : config.targetModules()) {
                int idx = l * Projection.values().length + p.ordinal();
                for (boolean isA : new boolean[] {true, false}) {
                    if ((isA ? a : b)[idx] == null) {
                        throw new AdapterLoadException(AdapterLoadException.Code.MISSING_TENSOR, adapterId, safetensorsFile
                                + ": missing tensor '" + peftKey(l, p, isA) + "'");
                    }
                }
            }
        }
        return new LoraWeights(adapterId, config, base.numHiddenLayers(), a, b);
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

    /** A (rank x in, row-major) of a layer's projection, or null when not targeted. */
    public float[] a(int layer, Projection p) {
        return a[layer * Projection.values().length + p.ordinal()];
    }

    /** B (out x rank, row-major) of a layer's projection, or null when not targeted. */
    public float[] b(int layer, Projection p) {
        return b[layer * Projection.values().length + p.ordinal()];
    }

    /** Heap bytes of the f32 matrices. */
    public long byteSize() {
        long total = 0;
        for (int k = 0; k < a.length; k++) {
            if (a[k] != null) {
                total += 4L * (a[k].length + b[k].length);
            }
        }
        return total;
    }
}
