package dev.loraq.service.output;

import dev.loraq.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds dead letters that always fit in one producer request. A record close to the broker's size limit that cannot
 * be decoded would otherwise give a dead letter larger than the producer may send; every transaction holding it would
 * abort and every partition would rewind, stalling all tenants. So the original value is kept up to
 * {@code maxValueBytes} (longer: its first bytes, with its size and SHA-256), the key up to {@link #MAX_KEY_BYTES},
 * headers up to {@link #MAX_HEADER_BYTES} in all and the message up to {@link #MAX_MESSAGE_CHARS}.
 */
public final class DeadLetterSizing {

    public static final int MAX_KEY_BYTES = 16 * 1024;
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    public static final int MAX_MESSAGE_CHARS = 4096;
    /** The letter's other fields (topic, code, message in UTF-8, digest) and the producer's record and batch framing. */
    private static final int OVERHEAD_BYTES = 24 * 1024;

    private final int maxValueBytes;

    public DeadLetterSizing(int maxValueBytes) {
        if (maxValueBytes < 0) {
            throw new IllegalArgumentException("maxValueBytes must be >= 0, was " + maxValueBytes);
        }
        this.maxValueBytes = maxValueBytes;
    }

    /** The most bytes one dead-letter record can take in a produce request (its Kafka key included). */
    public int maxRecordBytes() {
        // The source key travels twice: as the letter's Kafka key and inside the letter.
        return maxValueBytes + 2 * MAX_KEY_BYTES + MAX_HEADER_BYTES + OVERHEAD_BYTES;
    }

    /** The source key as the dead letter's Kafka key: its first {@link #MAX_KEY_BYTES} bytes. */
    public static byte[] kafkaKey(byte[] sourceKey) {
        return sourceKey == null || sourceKey.length <= MAX_KEY_BYTES ? sourceKey : Arrays.copyOf(sourceKey, MAX_KEY_BYTES);
    }

    public DeadLetter build(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                            String code, String message) {
        StringBuilder notes = new StringBuilder();
        Map<String, ByteBuffer> headerMap = new HashMap<>();
        if (headers != null) {
            int used = 0;
            int dropped = 0;
            for (Header header : headers) {
                byte[] bytes = header.value() == null ? new byte[0] : header.value();
                int size = header.key().length() * 3 + bytes.length;
                if (used + size > MAX_HEADER_BYTES) {
                    dropped++;
                    continue;
                }
                used += size;
                headerMap.put(header.key(), ByteBuffer.wrap(bytes));
            }
            if (dropped > 0) {
                notes.append("; ").append(dropped).append(" headers left out (over ").append(MAX_HEADER_BYTES).append(" bytes)");
            }
        }
        byte[] keptKey = kafkaKey(key);
        if (keptKey != key) {
            notes.append("; key truncated from ").append(key.length).append(" bytes");
        }
        boolean truncated = value != null && value.length > maxValueBytes;
        String text = message + notes;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(keptKey == null ? null : ByteBuffer.wrap(keptKey))
                .setValue(value == null ? null : ByteBuffer.wrap(value, 0, truncated ? maxValueBytes : value.length).slice())
                .setErrorCode(code)
                .setErrorMessage(text)
                .setFailedAt(Instant.now())
                .setHeaders(headerMap)
                .setValueTruncated(truncated)
                .setOriginalValueSize(truncated ? (long) value.length : null)
                .setOriginalValueSha256(truncated ? sha256(value) : null)
                .build();
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
