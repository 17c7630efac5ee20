package dev.loraq.engine.config;

/** A configuration is invalid; the message names the key and the value. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The offending key, or null when the problem is not about one key. */
    public String key() {
        return key;
    }
}
