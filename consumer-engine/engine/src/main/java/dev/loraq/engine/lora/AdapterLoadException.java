package dev.loraq.engine.lora;

/** An adapter whose weights cannot be used with the base model or the backend; the message names adapter, file, tensor. */
public class AdapterLoadException extends RuntimeException {
    /** Why the adapter was refused. */
    public enum Code {
        /** A tensor's shape does not fit the base model or the adapter's rank, or the layer count differs. */
        SHAPE_MISMATCH,
        /** A targeted module lacks its lora_A or lora_B tensor in some layer. */
        MISSING_TENSOR,
        /** The adapter's rank exceeds the backend's max LoRA rank. */
        RANK_ABOVE_LIMIT,
        /** The file is unreadable, not safetensors, or holds tensors the engine does not know. */
        BAD_FORMAT
    }

    private final Code code;
    private final String adapterId;

    public AdapterLoadException(Code code, String adapterId, String message) {
        super("adapter '" + adapterId + "': " + message);
        this.code = code;
        this.adapterId = adapterId;
    }

    public AdapterLoadException(Code code, String adapterId, String message, Throwable cause) {
        super("adapter '" + adapterId + "': " + message, cause);
        this.code = code;
        this.adapterId = adapterId;
    }

    public Code code() {
        return code;
    }

    public String adapterId() {
        return adapterId;
    }
}
