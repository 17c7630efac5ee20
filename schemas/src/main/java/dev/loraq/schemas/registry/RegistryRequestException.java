package dev.loraq.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/** The registry rejected a request with a 4xx other than not-found or incompatible (e.g. 42201 invalid schema, 401). */
public class RegistryRequestException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final int httpStatus;
    private final int errorCode;

    public RegistryRequestException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's error_code, or the HTTP status when the body had none. */
    public int errorCode() {
        return errorCode;
    }
}
