package dev.loraq.engine.generation;

/** Where an adapter came from when a request was admitted: the tier that served it. */
public enum AdapterLoadKind {
    /** Already resident in a compute slot. */
    WARM,
    /** In the host-memory tier, copied into a slot. */
    HOST,
    /** Read from the adapter source (disk), then installed. */
    DISK,
    /** The request uses the base model only. */
    NONE
}
