package dev.loraq.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A record over one of the {@link AvroDecodeLimits}: refused before the allocation it asked for. */
public class DecodeLimitException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final String detail;
    private final String limitKey;

    public DecodeLimitException(String detail, String limitKey) {
        super(detail + " (limit " + limitKey + ")");
        this.detail = detail;
        this.limitKey = limitKey;
    }

    /** The message without the limit's key. */
    public String detail() {
        return detail;
    }

    /** The configuration key of the limit that was exceeded. */
    public String limitKey() {
        return limitKey;
    }
}
