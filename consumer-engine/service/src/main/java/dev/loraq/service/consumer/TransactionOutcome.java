package dev.loraq.service.consumer;

/** How one transaction of a {@link CommitBatch} ended, and so what the consumer thread does with the batch. */
enum TransactionOutcome {
    /** Its outputs and offsets are in Kafka. */
    COMMITTED,
    /** Nothing was begun (the registry or the cluster could not be asked): its outputs go back to wait. */
    POSTPONED,
    /** Aborted; nothing of it is visible: its outputs go back and the next transaction sends them again. */
    ABORTED,
    /** The producer was fenced (or refused fatally): another producer may have written, so every partition is rewound. */
    FENCED,
    /** The abort failed too: whether it committed is unknown until a new producer settles it, then everything rewinds. */
    FATE_UNKNOWN
}
