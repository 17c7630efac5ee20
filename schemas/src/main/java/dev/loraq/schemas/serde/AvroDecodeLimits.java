package dev.loraq.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Bounds on what {@link AvroDeserializer} will decode, so that no record can make it allocate more than its limits:
 * a few bytes can declare a 2^31-item array or a 1 GB string, and Avro's own defaults would allocate them. The same
 * bounds as Avro's {@code org.apache.avro.limits.*} system properties, but per deserializer and checked against the
 * bytes actually present before anything is allocated. Unknown keys are ignored (the map also holds client settings).
 */
public final class AvroDecodeLimits extends AbstractConfig {

    public static final String MAX_RECORD_BYTES_CONFIG = "avro.decode.max.record.bytes";
    private static final String MAX_RECORD_BYTES_DOC = "Largest value (wire-format header included) the Avro deserializer decodes; "
            + "a larger record fails with a decode-limit error (the engine dead-letters it as decode_limit) before any schema lookup.";
    public static final String MAX_STRING_BYTES_CONFIG = "avro.decode.max.string.bytes";
    private static final String MAX_STRING_BYTES_DOC = "Largest string or bytes field the Avro deserializer decodes (Avro's "
            + "org.apache.avro.limits.string.maxLength and bytes.maxLength, per deserializer). A declared length beyond the bytes "
            + "present is a malformed record whatever this limit.";
    public static final String MAX_COLLECTION_ITEMS_CONFIG = "avro.decode.max.collection.items";
    private static final String MAX_COLLECTION_ITEMS_DOC = "Most array and map items, all collections together, in one decoded "
            + "record (Avro's org.apache.avro.limits.collectionItems.maxLength, per record instead of per collection).";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(MAX_RECORD_BYTES_CONFIG, Type.INT, 2 * 1024 * 1024, Range.between(64, Integer.MAX_VALUE - 8), Importance.MEDIUM, MAX_RECORD_BYTES_DOC)
            .define(MAX_STRING_BYTES_CONFIG, Type.INT, 1024 * 1024, Range.between(1, Integer.MAX_VALUE - 8), Importance.LOW, MAX_STRING_BYTES_DOC)
            .define(MAX_COLLECTION_ITEMS_CONFIG, Type.INT, 65_536, Range.between(1, Integer.MAX_VALUE - 8), Importance.LOW, MAX_COLLECTION_ITEMS_DOC);

    /** The defaults. */
    public static final AvroDecodeLimits DEFAULTS = new AvroDecodeLimits(Map.of());

    public AvroDecodeLimits(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    public int maxRecordBytes() {
        return getInt(MAX_RECORD_BYTES_CONFIG);
    }

    public int maxStringBytes() {
        return getInt(MAX_STRING_BYTES_CONFIG);
    }

    public int maxCollectionItems() {
        return getInt(MAX_COLLECTION_ITEMS_CONFIG);
    }
}
