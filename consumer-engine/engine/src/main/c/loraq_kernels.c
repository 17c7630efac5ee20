/*
 * Native matmul kernels for loraq's CPU backend, called through FFM by dev.loraq.engine.tensor.NativeKernels.
 * Same math as the Java kernels in VectorKernels (f32 activations, f32 accumulation), same layouts:
 *   bf16: weights row-major bf16; activations permuted per chunk of 32 (16 even elements, then 16 odd ones),
 *         the tail past the last full chunk in natural order (VectorKernels.prepareActivations at 16 lanes).
 *   int8: Int8Matrix's interleave for 16 lanes: in each chunk of 64 quants, value k*16+j sits at byte 4j+k;
 *         one f32 scale per block of 32; activations in natural order.
 * The library is built without -march so that it loads on any x86-64 CPU; only the kernels carry the AVX-512
 * target attribute, and Java calls them only when loraq_features() reports AVX-512F.
 */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define LORAQ_AVX512F 1
#define LORAQ_AVX512BW 2
#define LORAQ_AVX512_BF16 4
#define LORAQ_AVX512_VNNI 8

#define TILE 4
/* Four weight rows of a 1024-column block (8 KB) stay in L1 while the activation rows pass (see VectorKernels). */
#define COL_BLOCK 1024
/* Activation rows whose accumulators are parked between column blocks (16 rows x 8 vectors = 8 KB of stack). */
#define ROW_BLOCK 16
#define BF16_CHUNK 32
#define INT8_CHUNK 64
#define INT8_BLOCK 32
#define INT8_PREFETCH_BYTES 2048
#define BF16_PREFETCH_BYTES 2048

#define KERNEL __attribute__((target("avx512f"), visibility("default")))
#define INLINE_KERNEL static inline __attribute__((target("avx512f"), always_inline))

/* Which CPU features the kernels can use here (bits above); Java reads it once at load. */
__attribute__((visibility("default"))) int loraq_features(void) {
    __builtin_cpu_init();
    int f = 0;
    if (__builtin_cpu_supports("avx512f")) f |= LORAQ_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) f |= LORAQ_AVX512BW;
    if (__builtin_cpu_supports("avx512bf16")) f |= LORAQ_AVX512_BF16;
    if (__builtin_cpu_supports("avx512vnni")) f |= LORAQ_AVX512_VNNI;
    return f;
}

static inline float bf16_to_float(uint16_t bits) {
    uint32_t u = (uint32_t) bits << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/*
 * R activation rows (1 or 2, a constant after inlining) against TILE weight rows over chunks [k0, k1) of one
 * column block, accumulators loaded from and stored back to acc (R x 8 vectors). Two rows share each widened
 * weight vector, which halves the widening work in prefill; every lane sums in the same order for R = 1 and
 * R = 2, so a row's result does not depend on its batch.
 */
INLINE_KERNEL void bf16_tile_rows(const uint16_t *w0, size_t row_elems, const float *x, size_t cols,
                                  int k0, int k1, __m512 *acc, const int R) {
    const uint16_t *w1 = w0 + row_elems, *w2 = w1 + row_elems, *w3 = w2 + row_elems;
    const __m512i hi = _mm512_set1_epi32((int) 0xFFFF0000);
    __m512 a[2][2 * TILE];
    for (int r = 0; r < R; r++)
        for (int t = 0; t < 2 * TILE; t++)
            a[r][t] = acc[r * 2 * TILE + t];
    for (int c = k0; c < k1; c += BF16_CHUNK) {
        __m512i v0 = _mm512_loadu_si512(w0 + c), v1 = _mm512_loadu_si512(w1 + c);
        __m512i v2 = _mm512_loadu_si512(w2 + c), v3 = _mm512_loadu_si512(w3 + c);
        __m512 e0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), o0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
        __m512 e1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), o1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
        __m512 e2 = _mm512_castsi512_ps(_mm512_slli_epi32(v2, 16)), o2 = _mm512_castsi512_ps(_mm512_and_si512(v2, hi));
        __m512 e3 = _mm512_castsi512_ps(_mm512_slli_epi32(v3, 16)), o3 = _mm512_castsi512_ps(_mm512_and_si512(v3, hi));
        for (int r = 0; r < R; r++) {
            __m512 xe = _mm512_loadu_ps(x + r * cols + c), xo = _mm512_loadu_ps(x + r * cols + c + 16);
            a[r][0] = _mm512_fmadd_ps(e0, xe, a[r][0]);
            a[r][4] = _mm512_fmadd_ps(o0, xo, a[r][4]);
            a[r][1] = _mm512_fmadd_ps(e1, xe, a[r][1]);
            a[r][5] = _mm512_fmadd_ps(o1, xo, a[r][5]);
            a[r][2] = _mm512_fmadd_ps(e2, xe, a[r][2]);
            a[r][6] = _mm512_fmadd_ps(o2, xo, a[r][6]);
            a[r][3] = _mm512_fmadd_ps(e3, xe, a[r][3]);
            a[r][7] = _mm512_fmadd_ps(o3, xo, a[r][7]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int t = 0; t < 2 * TILE; t++)
            acc[r * 2 * TILE + t] = a[r][t];
}

/* One output row o for every activation row (the rest of a range that is not a multiple of the tile). */
INLINE_KERNEL void bf16_single_row(const uint16_t *w, int rows, int cols, int full, const float *xp, int n,
                                   float *y, int o) {
    const __m512i hi = _mm512_set1_epi32((int) 0xFFFF0000);
    const uint16_t *wr = w + (size_t) o * cols;
    for (int r = 0; r < n; r++) {
        const float *x = xp + (size_t) r * cols;
        __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
        for (int c = 0; c < full; c += BF16_CHUNK) {
            /* As for int8: ask for 2 KB ahead (past the row's end that is the next row, read next). */
            _mm_prefetch((const char *) (wr + c) + BF16_PREFETCH_BYTES, _MM_HINT_T0);
            __m512i v = _mm512_loadu_si512(wr + c);
            a = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16)), _mm512_loadu_ps(x + c), a);
            b = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v, hi)), _mm512_loadu_ps(x + c + 16), b);
        }
        float s = _mm512_reduce_add_ps(_mm512_add_ps(a, b));
        for (int c = full; c < cols; c++) s += bf16_to_float(wr[c]) * x[c];
        y[(size_t) r * rows + o] = s;
    }
}

/* y[r*rows + o] = W[o] . x[r] for o in [row_start, row_end) and r in [0, n). */
KERNEL void loraq_matmul_bf16(const uint16_t *w, int rows, int cols, const float *xp, int n, float *y,
                              int row_start, int row_end) {
    const int full = cols - cols % BF16_CHUNK;
    __m512 acc[ROW_BLOCK * 2 * TILE];
    int o = row_start;
    /* One activation row (decode) shares no widening across rows: reading the weights one row after the other, one
       sequential stream with a prefetch, measured 29-32 GB/s against 20-24 for four rows' streams side by side (a
       row is one 4 KiB page at 2,048 columns). Same sums in the same order as the tile, so results do not change. */
    if (n == 1) {
        for (; o < row_end; o++) bf16_single_row(w, rows, cols, full, xp, n, y, o);
        return;
    }
    for (; o <= row_end - TILE; o += TILE) {
        const uint16_t *w0 = w + (size_t) o * cols;
        for (int r0 = 0; r0 < n; r0 += ROW_BLOCK) {
            int r1 = n < r0 + ROW_BLOCK ? n : r0 + ROW_BLOCK;
            for (int i = 0; i < (r1 - r0) * 2 * TILE; i++) acc[i] = _mm512_setzero_ps();
            for (int k0 = 0; k0 < full; k0 += COL_BLOCK) {
                int k1 = full < k0 + COL_BLOCK ? full : k0 + COL_BLOCK;
                int r = r0;
                for (; r + 2 <= r1; r += 2)
                    bf16_tile_rows(w0, cols, xp + (size_t) r * cols, cols, k0, k1, acc + (r - r0) * 2 * TILE, 2);
                if (r < r1)
                    bf16_tile_rows(w0, cols, xp + (size_t) r * cols, cols, k0, k1, acc + (r - r0) * 2 * TILE, 1);
            }
            for (int r = r0; r < r1; r++) {
                const float *x = xp + (size_t) r * cols;
                for (int t = 0; t < TILE; t++) {
                    const __m512 *a = acc + (r - r0) * 2 * TILE;
                    float s = _mm512_reduce_add_ps(_mm512_add_ps(a[t], a[TILE + t]));
                    const uint16_t *wt = w0 + (size_t) t * cols;
                    for (int c = full; c < cols; c++) s += bf16_to_float(wt[c]) * x[c];
                    y[(size_t) r * rows + o + t] = s;
                }
            }
        }
    }
    for (; o < row_end; o++) bf16_single_row(w, rows, cols, full, xp, n, y, o);
}

/* The interleaved byte k of every int lane, sign-extended (two shifts) and converted to f32 (exact). */
INLINE_KERNEL __m512 int8_lane_byte_shift(__m512i v, const int k) {
    return _mm512_cvtepi32_ps(_mm512_srai_epi32(k == 3 ? v : _mm512_slli_epi32(v, 24 - 8 * k), 24));
}

/*
 * The same value in one VNNI instruction: vpdpbusd sums the four u8 x s8 products of each int lane, and a selector
 * holding 1 in byte k and 0 elsewhere leaves exactly the sign-extended byte k. Same result as the shifts.
 */
static inline __attribute__((target("avx512f,avx512vnni"), always_inline)) __m512 int8_lane_byte_vnni(__m512i v, const int k) {
    return _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi32(1 << (8 * k)), v));
}

/* Two variants of the int8 matmul that differ only in how a quant becomes an f32 (bit-identical results). */
#define INT8_SUFFIX
#define INT8_TARGET "avx512f"
#define INT8_LANE_BYTE int8_lane_byte_shift
#include "loraq_kernels_int8.inc"
#undef INT8_SUFFIX
#undef INT8_TARGET
#undef INT8_LANE_BYTE

#define INT8_SUFFIX _vnni
#define INT8_TARGET "avx512f,avx512vnni"
#define INT8_LANE_BYTE int8_lane_byte_vnni
#include "loraq_kernels_int8.inc"
