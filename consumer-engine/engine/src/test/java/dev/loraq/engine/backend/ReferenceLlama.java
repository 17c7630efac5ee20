package dev.loraq.engine.backend;

import java.nio.file.Path;

import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.RotaryEmbedding;
import dev.loraq.engine.model.WeightFiles;
import dev.loraq.engine.tensor.ScalarKernels;

/**
 * A deliberately simple f32 Llama for tests: dense weights read from the files, an optional adapter merged
 * into them (W + scale * B·A), and a full causal forward over a whole token sequence with scalar kernels,
 * no KV cache, no batching. The engine's batched multi-LoRA path must agree with it.
 */
final class ReferenceLlama {
    private final ModelConfig c;
    private final float[] embed;
    private final float[][] inNorm;
    private final float[][] postNorm;
    private final float[][][] proj;
    private final float[] finalNorm;
    private final float[] lmHead;
    private final RotaryEmbedding rope;

    ReferenceLlama(Path modelDir, ModelConfig config, LoraWeights adapter) {
        this.c = config;
        this.rope = new RotaryEmbedding(config);
        int layers = c.numHiddenLayers();
        inNorm = new float[layers][];
        postNorm = new float[layers][];
        proj = new float[layers][7][];
        try (WeightFiles files = WeightFiles.open(modelDir)) {
            embed = files.fileFor("model.embed_tokens.weight").readFloats("model.embed_tokens.weight");
            for (int l = 0; l < layers; l++) {
                String p = "model.layers." + l + ".";
                inNorm[l] = files.fileFor(p + "input_layernorm.weight").readFloats(p + "input_layernorm.weight");
                postNorm[l] = files.fileFor(p + "post_attention_layernorm.weight").readFloats(p + "post_attention_layernorm.weight");
                for (Projection pr : Projection.values()) {
                    String name = p + pr.block() + "." + pr.moduleName() + ".weight";
                    float[] w = files.fileFor(name).readFloats(name);
                    if (adapter != null && adapter.a(l, pr) != null) {
                        merge(w, adapter.a(l, pr), adapter.b(l, pr), adapter.rank(), c.inFeatures(pr), c.outFeatures(pr),
                                adapter.scale());
                    }
                    proj[l][pr.ordinal()] = w;
                }
            }
            finalNorm = files.fileFor("model.norm.weight").readFloats("model.norm.weight");
            lmHead = files.contains("lm_head.weight") ? files.fileFor("lm_head.weight").readFloats("lm_head.weight") : embed;
        }
    }

    private static void merge(float[] w, float[] a, float[] b, int r, int in, int out, float scale) {
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                float d = 0;
                for (int j = 0; j < r; j++) {
                    d += b[o * r + j] * a[j * in + i];
                }
                w[o * in + i] += scale * d;
            }
        }
    }

    private static void linear(float[] w, int out, int in, float[] x, float[] y) {
        for (int o = 0; o < out; o++) {
            y[o] = ScalarKernels.dot(w, o * in, x, 0, in);
        }
    }

    /** Logits at every position of {@code tokens}: [position][vocab]. */
    float[][] logits(int[] tokens) {
        int n = tokens.length;
        int h = c.hiddenSize();
        int d = c.headDim();
        int qDim = c.queryDim();
        int kvDim = c.kvDim();
        int inter = c.intermediateSize();
        int group = c.numAttentionHeads() / c.numKeyValueHeads();
        float eps = (float) c.rmsNormEps();
        float[][] x = new float[n][h];
        for (int t = 0; t < n; t++) {
            System.arraycopy(embed, tokens[t] * h, x[t], 0, h);
        }
        float[] cos = new float[d / 2];
        float[] sin = new float[d / 2];
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            float[][] q = new float[n][qDim];
            float[][] k = new float[n][kvDim];
            float[][] v = new float[n][kvDim];
            float[] xb = new float[h];
            for (int t = 0; t < n; t++) {
                ScalarKernels.rmsnorm(x[t], 0, inNorm[l], xb, 0, h, eps);
                linear(proj[l][0], qDim, h, xb, q[t]);
                linear(proj[l][1], kvDim, h, xb, k[t]);
                linear(proj[l][2], kvDim, h, xb, v[t]);
                rope.cosSin(t, cos, sin, 0);
                for (int hd = 0; hd < c.numAttentionHeads(); hd++) {
                    ScalarKernels.rope(q[t], hd * d, d, cos, sin, 0);
                }
                for (int hd = 0; hd < c.numKeyValueHeads(); hd++) {
                    ScalarKernels.rope(k[t], hd * d, d, cos, sin, 0);
                }
            }
            for (int t = 0; t < n; t++) {
                float[] att = new float[qDim];
                for (int hd = 0; hd < c.numAttentionHeads(); hd++) {
                    int kvOff = (hd / group) * d;
                    float[] s = new float[t + 1];
                    for (int u = 0; u <= t; u++) {
                        s[u] = ScalarKernels.dot(q[t], hd * d, k[u], kvOff, d) / (float) Math.sqrt(d);
                    }
                    ScalarKernels.softmax(s, 0, t + 1);
                    for (int u = 0; u <= t; u++) {
                        ScalarKernels.axpy(s[u], v[u], kvOff, att, hd * d, d);
                    }
                }
                float[] o = new float[h];
                linear(proj[l][3], h, qDim, att, o);
                ScalarKernels.axpy(1f, o, 0, x[t], 0, h);
            }
            for (int t = 0; t < n; t++) {
                ScalarKernels.rmsnorm(x[t], 0, postNorm[l], xb, 0, h, eps);
                float[] g = new float[inter];
                float[] u = new float[inter];
                linear(proj[l][4], inter, h, xb, g);
                linear(proj[l][5], inter, h, xb, u);
                float[] a = new float[inter];
                ScalarKernels.siluMul(g, 0, u, 0, a, 0, inter);
                float[] down = new float[h];
                linear(proj[l][6], h, inter, a, down);
                ScalarKernels.axpy(1f, down, 0, x[t], 0, h);
            }
        }
        float[][] out = new float[n][c.vocabSize()];
        float[] xb = new float[h];
        for (int t = 0; t < n; t++) {
            ScalarKernels.rmsnorm(x[t], 0, finalNorm, xb, 0, h, eps);
            linear(lmHead, c.vocabSize(), h, xb, out[t]);
        }
        return out;
    }
}
