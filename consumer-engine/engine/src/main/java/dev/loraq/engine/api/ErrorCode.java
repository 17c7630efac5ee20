package dev.loraq.engine.api;

/**
 * Why a single request was refused. The code travels to the caller (for example in an error record on a
 * tenant's output topic), so names are stable: add new codes, never rename existing ones.
 */
public enum ErrorCode {
    /** A sampling parameter is out of range (temperature, top_p, max_tokens, stop strings ...). */
    INVALID_SAMPLING,
    /** The prompt plus the requested output does not fit the model's context window. */
    PROMPT_TOO_LONG,
    /** The prompt or chat is malformed (empty, unknown role, template rendering failed ...). */
    INVALID_PROMPT,
    /** The adapter id is syntactically invalid (characters, length, path-like). */
    INVALID_ADAPTER_ID,
    /** No adapter with this id exists in any configured adapter source. */
    UNKNOWN_ADAPTER,
    /** The adapter exists but is stored in a format the engine does not read (pickle .bin). */
    UNSUPPORTED_ADAPTER_FORMAT,
    /** The adapter exists but its files are invalid or incompatible with the base model. */
    ADAPTER_LOAD_FAILED,
    /**
     * The engine already holds max.waiting.requests requests waiting for a place in the batch; nothing is wrong with
     * the request itself, it may be sent again once the engine has caught up.
     */
    OVERLOADED
}
