package dev.loraq.engine.model;

/**
 * Llama 3's rope_scaling ("rope_type": "llama3"): long wavelengths are stretched by {@code factor}, short
 * ones kept, the band between interpolated.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
}
