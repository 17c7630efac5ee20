package dev.loraq.engine.generation;

/** Which traffic a request belongs to: interactive (an online client waits on it) or batch (Kafka work). */
public enum RequestClass {
    INTERACTIVE,
    BATCH
}
