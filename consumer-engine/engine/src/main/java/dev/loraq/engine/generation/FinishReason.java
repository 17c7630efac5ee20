package dev.loraq.engine.generation;

/** Why a sequence stopped generating. */
public enum FinishReason {
    /** An end-of-sequence token, a stop token id or a stop string. */
    STOP,
    /** max_tokens reached, or the model's context is full. */
    LENGTH,
    /** Cancelled by the caller before it finished. */
    CANCELLED
}
