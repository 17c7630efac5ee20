package dev.loraq.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/** The registry could not be reached, or answered 5xx, on every attempt. */
public class RegistryUnavailableException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    public RegistryUnavailableException(String message, int attempts, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    /** How many HTTP attempts were made before giving up. */
    public int attempts() {
        return attempts;
    }
}
