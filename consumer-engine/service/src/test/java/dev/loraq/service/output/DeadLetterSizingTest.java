package dev.loraq.service.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.DeadLetter;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterSizingTest {

    private final DeadLetterSizing sizing = new DeadLetterSizing(1000);

    @Test
    void aValueWithinTheLimitIsKeptWholeAndNotMarked() {
        byte[] value = new byte[1000];
        DeadLetter letter = sizing.build("t", 0, 5, "k".getBytes(), value, null, "avro_decode", "bad");

        assertEquals(1000, letter.getValue().remaining());
        assertFalse(letter.getValueTruncated());
        assertNull(letter.getOriginalValueSize());
        assertNull(letter.getOriginalValueSha256());
    }

    @Test
    void aLongerValueKeepsItsFirstBytesWithItsSizeAndDigest() throws Exception {
        byte[] value = new byte[5000];
        Arrays.fill(value, 1000, 5000, (byte) 7);
        DeadLetter letter = sizing.build("t", 0, 5, null, value, null, "avro_decode", "bad");

        assertTrue(letter.getValueTruncated());
        assertEquals(1000, letter.getValue().remaining());
        assertEquals(5000L, letter.getOriginalValueSize());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)), letter.getOriginalValueSha256());
    }

    @Test
    void theWholeLetterStaysWithinItsBoundWhateverTheSourceRecordCarries() throws Exception {
        byte[] key = new byte[200_000];
        byte[] value = new byte[3_000_000];
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < 100; i++) {
            headers.add("h" + i, new byte[10_000]);
        }
        String message = "x".repeat(100_000);
        DeadLetter letter = sizing.build("topic", 1, 2, key, value, headers, "avro_decode", message);

        int encoded = encodedSize(letter) + DeadLetterSizing.kafkaKey(key).length;
        assertTrue(encoded <= sizing.maxRecordBytes(), encoded + " > " + sizing.maxRecordBytes());
        assertEquals(DeadLetterSizing.MAX_KEY_BYTES, letter.getKey().remaining());
        assertTrue(letter.getHeaders().size() < 100, "headers over the budget are left out");
        assertTrue(letter.getErrorMessage().length() <= DeadLetterSizing.MAX_MESSAGE_CHARS);
        assertTrue(sizing.build("t", 0, 0, key, value, headers, "c", "short").getErrorMessage().contains("headers left out"));
    }

    @Test
    void defaultSizingFitsKafkasDefaultRequestSize() {
        assertTrue(new DeadLetterSizing(dev.loraq.service.config.ServiceConfig.DLQ_MAX_VALUE_BYTES_DEFAULT).maxRecordBytes() <= 1_048_576);
    }

    private static int encodedSize(DeadLetter letter) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(DeadLetter.class).write(letter, encoder);
        encoder.flush();
        return out.size();
    }
}
