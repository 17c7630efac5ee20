package dev.loraq.service.output;

import dev.loraq.schemas.contract.DeadLetterCode;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.SchemaNotFoundException;
import dev.loraq.schemas.serde.DecodeLimitException;
import dev.loraq.schemas.serde.WireFormatException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The one place the service's dead letters are built: each reason a source record cannot be served gets its code
 * and message here, and every letter is sized by {@link DeadLetterSizing} to fit one produce request.
 */
public final class DeadLetters {

    private final DeadLetterSizing sizing;

    public DeadLetters(DeadLetterSizing sizing) {
        this.sizing = sizing;
    }

    /** The letter's Kafka key: the source key, cut to {@link DeadLetterSizing#MAX_KEY_BYTES}. */
    public static byte[] kafkaKey(ConsumerRecord<byte[], byte[]> source) {
        return DeadLetterSizing.kafkaKey(source.key());
    }

    /** A value that cannot be decoded as a PromptRequest; the code says why (wire format, decode limit, schema, Avro). */
    public DeadLetter undecodable(ConsumerRecord<byte[], byte[]> source, RuntimeException failure) {
        return of(source, decodeErrorCode(failure), "Cannot decode PromptRequest at " + coordinates(source) + ": " + failure.getMessage());
    }

    public DeadLetter tombstone(ConsumerRecord<byte[], byte[]> source) {
        return of(source, DeadLetterCode.TOMBSTONE.code(), "Record at " + coordinates(source) + " has no value");
    }

    /** A request whose tenant id cannot name a topic; {@code why} is {@link TenantTopics#whyInvalid}. */
    public DeadLetter noTenant(ConsumerRecord<byte[], byte[]> source, PromptRequest request, String why) {
        return of(source, DeadLetterCode.NO_TENANT.code(), "Request " + request.getRequestId() + " at " + coordinates(source) + ": " + why);
    }

    public DeadLetter noRequestId(ConsumerRecord<byte[], byte[]> source, PromptRequest request) {
        return of(source, DeadLetterCode.NO_REQUEST_ID.code(), "Request at " + coordinates(source) + " of tenant " + request.getTenantId()
                + " has an empty request_id");
    }

    /** A completion whose tenant topic is missing while auto-creation is off: the original record, to replay later. */
    public DeadLetter outputTopicMissing(ConsumerRecord<byte[], byte[]> source, String topic, String requestId) {
        return of(source, DeadLetterCode.OUTPUT_TOPIC_MISSING.code(), "Output topic " + topic + " does not exist and topics.auto.create is false (request "
                + requestId + ")");
    }

    /** A letter with the code and message a {@link RecordErrorHandler} chose. */
    public DeadLetter of(ConsumerRecord<byte[], byte[]> source, String code, String message) {
        return sizing.build(source.topic(), source.partition(), source.offset(), source.key(), source.value(), source.headers(),
                code, message);
    }

    /**
     * The stand-in for a letter the broker refused as too large: without value and headers, so the record it answers
     * cannot stall its partition; {@code reason} is appended to its message.
     */
    public DeadLetter withoutValue(DeadLetter letter, String reason) {
        return DeadLetter.newBuilder(letter).setValue(ByteBuffer.allocate(0)).setHeaders(Map.of())
                .setValueTruncated(true)
                .setOriginalValueSize(letter.getOriginalValueSize() != null ? letter.getOriginalValueSize()
                        : letter.getValue() == null ? 0L : (long) letter.getValue().remaining())
                .setErrorMessage(letter.getErrorMessage().length() > 1000 ? letter.getErrorMessage().substring(0, 1000) + "; " + reason
                        : letter.getErrorMessage() + "; " + reason)
                .build();
    }

    private static String decodeErrorCode(RuntimeException e) {
        if (e instanceof WireFormatException) {
            return DeadLetterCode.WIRE_FORMAT.code();
        }
        if (e instanceof SchemaNotFoundException) {
            return DeadLetterCode.SCHEMA_NOT_FOUND.code();
        }
        if (e instanceof DecodeLimitException) {
            return DeadLetterCode.DECODE_LIMIT.code();
        }
        if (e instanceof SerializationException) {
            return DeadLetterCode.AVRO_DECODE.code();
        }
        return DeadLetterCode.DECODE_FAILED.code();
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
