package dev.loraq.tools.dlq;

import dev.loraq.schemas.contract.DeadLetterCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which of the consumer engine's dead-letter codes ({@link DeadLetterCode}, docs/operations.md) a replay of the
 * unchanged bytes can never fix: the record itself is wrong, not the pipeline around it.
 */
public final class DeadLetterCodes {

    private static final Map<DeadLetterCode, String> NOT_REPLAYABLE = new EnumMap<>(Map.of(
            DeadLetterCode.WIRE_FORMAT, "the value bytes are not in the Confluent wire format; the engine would dead-letter them again",
            DeadLetterCode.AVRO_DECODE, "the value bytes do not decode with their writer schema; the engine would dead-letter them again",
            DeadLetterCode.DECODE_LIMIT, "the record is over the engine's avro.decode.* limits; the engine would dead-letter it again",
            DeadLetterCode.NO_REQUEST_ID, "the request has no request id; fix the producer and resubmit the job",
            DeadLetterCode.TOMBSTONE, "the record has no value; there is nothing to replay"));

    private DeadLetterCodes() {
    }

    /** Why replaying letters of this code unchanged cannot succeed; empty when a fixed cause lets it succeed. */
    public static Optional<String> whyNotReplayable(String code) {
        return DeadLetterCode.of(code).map(NOT_REPLAYABLE::get);
    }
}
