package dev.loraq.engine.tensor;

/**
 * Plain-Java reference versions of every kernel in {@link VectorKernels}: the tests compare the vector
 * kernels against these, and the f32 reference model in the tests is built on them.
 */
public final class ScalarKernels {
    private ScalarKernels() {
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** out = x / rms(x) * w, over n elements. */
    public static void rmsnorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) x[xOff + i] * x[xOff + i];
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * inv * w[i];
        }
    }

    /**
     * Rotary embedding of one head vector in Hugging Face's rotate-half layout: element i pairs with
     * element i + headDim/2, both turned by the angle whose cos and sin are cos[csOff + i], sin[csOff + i].
     */
    public static void rope(float[] v, int off, int headDim, float[] cos, float[] sin, int csOff) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            float lo = v[off + i];
            float hi = v[off + half + i];
            v[off + i] = lo * cos[csOff + i] - hi * sin[csOff + i];
            v[off + half + i] = hi * cos[csOff + i] + lo * sin[csOff + i];
        }
    }

    /** In-place softmax over n elements. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /** out = silu(gate) * up (SwiGLU), silu(g) = g / (1 + e^-g). */
    public static void siluMul(float[] gate, int gOff, float[] up, int uOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gOff + i];
            out[oOff + i] = g / (1f + (float) Math.exp(-g)) * up[uOff + i];
        }
    }

    /** y += a * x. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    /** y[r][o] = sum_i w[o][i] * x[r][i] for n activation rows (x rows of w.cols(), y rows of w.rows()). */
    public static void matmul(WeightMatrix w, float[] x, int n, float[] y) {
        int rows = w.rows();
        int cols = w.cols();
        float[] row = new float[cols];
        for (int o = 0; o < rows; o++) {
            w.rowToFloats(o, row, 0);
            for (int r = 0; r < n; r++) {
                y[r * rows + o] = dot(row, 0, x, r * cols, cols);
            }
        }
    }
}
