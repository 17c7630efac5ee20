package dev.loraq.engine.model;

/** How base weights are held for compute. */
public enum WeightFormat {
    /** bf16 as stored (mapped, no copy); F32/F16 sources are converted to bf16 off-heap at load. */
    BF16,
    /** int8 with one f32 scale per 32 values (like Q8_0), quantized at load: about half the bytes per token. */
    INT8
}
