package dev.loraq.tools.dlq;

import java.util.Map;
import java.util.Optional;

/**
 * The consumer engine's dead-letter {@code error_code}s (docs/operations.md) that a replay of the unchanged bytes can
 * never fix: the record itself is wrong, not the pipeline around it.
 */
public final class DeadLetterCodes {

    public static final String WIRE_FORMAT = "wire_format";
    public static final String AVRO_DECODE = "avro_decode";
    public static final String DECODE_LIMIT = "decode_limit";
    public static final String NO_REQUEST_ID = "no_request_id";
    public static final String TOMBSTONE = "tombstone";
    public static final String SCHEMA_NOT_FOUND = "schema_not_found";
    public static final String NO_TENANT = "no_tenant";
    public static final String OUTPUT_TOPIC_MISSING = "output_topic_missing";

    private static final Map<String, String> NOT_REPLAYABLE = Map.of(
            WIRE_FORMAT, "the value bytes are not in the Confluent wire format; the engine would dead-letter them again",
            AVRO_DECODE, "the value bytes do not decode with their writer schema; the engine would dead-letter them again",
            DECODE_LIMIT, "the record is over the engine's avro.decode.* limits; the engine would dead-letter it again",
            NO_REQUEST_ID, "the request has no request id; fix the producer and resubmit the job",
            TOMBSTONE, "the record has no value; there is nothing to replay");

    private DeadLetterCodes() {
    }

    /** Why replaying letters of this code unchanged cannot succeed; empty when a fixed cause lets it succeed. */
    public static Optional<String> whyNotReplayable(String code) {
        return Optional.ofNullable(NOT_REPLAYABLE.get(code));
    }
}
