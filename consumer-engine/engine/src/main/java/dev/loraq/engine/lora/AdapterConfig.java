package dev.loraq.engine.lora;

import dev.loraq.engine.model.Projection;
import java.util.Set;

/**
 * The parts of a PEFT adapter_config.json the engine uses.
 *
 * @param rank the LoRA rank r
 * @param loraAlpha lora_alpha
 * @param targetModules the projections the adapter modifies
 * @param useRslora whether the scale is alpha / sqrt(r) instead of alpha / r
 * @param baseModelNameOrPath base_model_name_or_path, informational (may be null)
 */
public record AdapterConfig(int rank, double loraAlpha, Set<Projection> targetModules, boolean useRslora,
                            String baseModelNameOrPath) {

    public AdapterConfig {
        targetModules = Set.copyOf(targetModules);
    }

    /** The factor applied to B·A: alpha / r, or alpha / sqrt(r) with rsLoRA. */
    public double scale() {
        return useRslora ? loraAlpha / Math.sqrt(rank) : loraAlpha / rank;
    }
}
