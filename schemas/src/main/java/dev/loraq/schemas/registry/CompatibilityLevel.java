package dev.loraq.schemas.registry;

/** The registry's compatibility rules, as named by the Confluent API. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
