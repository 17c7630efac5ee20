package dev.loraq.engine.model;

/** The seven linear projections of a Llama decoder layer that a LoRA adapter may target. */
public enum Projection {
    Q("q_proj", "self_attn"),
    K("k_proj", "self_attn"),
    V("v_proj", "self_attn"),
    O("o_proj", "self_attn"),
    GATE("gate_proj", "mlp"),
    UP("up_proj", "mlp"),
    DOWN("down_proj", "mlp");

    private final String moduleName;
    private final String block;

    Projection(String moduleName, String block) {
        this.moduleName = moduleName;
        this.block = block;
    }

    /** The Hugging Face module name, as written in PEFT's target_modules ("q_proj"). */
    public String moduleName() {
        return moduleName;
    }

    /** The submodule holding it in a layer ("self_attn" or "mlp"). */
    public String block() {
        return block;
    }

    /** Finds the projection for a PEFT target module name, or null when it is not one of the seven. */
    public static Projection fromModuleName(String name) {
        for (Projection p : values()) {
            if (p.moduleName.equals(name)) {
                return p;
            }
        }
        return null;
    }
}
