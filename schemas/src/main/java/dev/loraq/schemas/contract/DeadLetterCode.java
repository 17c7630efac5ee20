package dev.loraq.schemas.contract;

import java.util.Optional;

/**
 * The {@code error_code}s of the consumer service's dead letters (docs/operations.md). The strings are stable: tools
 * select and replay letters by them.
 */
public enum DeadLetterCode {
    /** The value is not in the Confluent wire format. */
    WIRE_FORMAT("wire_format"),
    /** The value's schema id is unknown to the registry. */
    SCHEMA_NOT_FOUND("schema_not_found"),
    /** The bytes do not decode with their writer schema. */
    AVRO_DECODE("avro_decode"),
    /** The record is over the avro.decode.* limits. */
    DECODE_LIMIT("decode_limit"),
    /** The value could not be decoded for another reason. */
    DECODE_FAILED("decode_failed"),
    /** The record has no value. */
    TOMBSTONE("tombstone"),
    /** The tenant id is missing or breaks the tenant id rule. */
    NO_TENANT("no_tenant"),
    /** The request has no request id. */
    NO_REQUEST_ID("no_request_id"),
    /** topics.auto.create is false and the tenant's completions topic does not exist. */
    OUTPUT_TOPIC_MISSING("output_topic_missing");

    private final String code;

    DeadLetterCode(String code) {
        this.code = code;
    }

    /** The string in the dead letter's {@code error_code}. */
    public String code() {
        return code;
    }

    /** The code with this string; empty for a string the service does not write. */
    public static Optional<DeadLetterCode> of(String code) {
        for (DeadLetterCode value : values()) {
            if (value.code.equals(code)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return code;
    }
}
