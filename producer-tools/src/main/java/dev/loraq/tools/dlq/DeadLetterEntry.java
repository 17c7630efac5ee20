package dev.loraq.tools.dlq;

import dev.loraq.schemas.avro.DeadLetter;

/** One dead letter with where it sits in the dead-letter topic. */
public record DeadLetterEntry(int partition, long offset, DeadLetter letter) {

    /** {@code partition:offset} in the dead-letter topic. */
    public String coordinates() {
        return partition + ":" + offset;
    }

    /** {@code topic/partition/offset} of the original record. */
    public String source() {
        return letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset();
    }
}
