package dev.loraq.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/** The registry has no such schema id, subject or version (404, error codes 40401, 40402, 40403). */
public class SchemaNotFoundException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final int errorCode;

    public SchemaNotFoundException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The registry's error_code, e.g. 40403 for an unknown schema id. */
    public int errorCode() {
        return errorCode;
    }
}
