package dev.loraq.engine.model;

/** A model folder, config or safetensors file that cannot be used; the message names the file and tensor. */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
