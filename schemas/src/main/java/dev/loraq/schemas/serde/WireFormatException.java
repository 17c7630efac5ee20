package dev.loraq.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that are not in the Confluent wire format (magic byte 0, 4-byte schema id, Avro payload). */
public class WireFormatException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
