package dev.loraq.engine.generation;

/**
 * Which kind of traffic a request is, for admission: interactive requests (a client waiting on the answer, e.g. the
 * HTTP API) are admitted before batch ones (Kafka work), and batch work keeps a guaranteed share of the running batch
 * ({@code scheduling.batch.min.share}), so it never starves.
 */
public enum RequestClass {
    /** A caller waiting on the answer: admitted first. */
    INTERACTIVE,
    /** Throughput work (the Kafka service's records): the default. */
    BATCH
}
