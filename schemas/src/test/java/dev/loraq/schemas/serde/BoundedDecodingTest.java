package dev.loraq.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.SchemaNotFoundException;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.schemas.registry.TinyRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A few bytes must never make the deserializer allocate what they declare: every such record fails as a record. */
class BoundedDecodingTest {

    private TinyRegistryServer server;
    private Map<String, Object> config;
    private Serde<PromptRequest> serde;
    private int schemaId;

    @BeforeEach
    void start() throws IOException {
        server = new TinyRegistryServer();
        config = new HashMap<>(Map.of(SchemaRegistryClientConfig.URL_CONFIG, server.url()));
        serde = LoraqSerdes.promptRequest(config, false);
        schemaId = WireFormat.schemaId(serde.serializer().serialize("prompts", Records.chatRequest("r-0")));
    }

    @AfterEach
    void stop() {
        serde.close();
        server.close();
    }

    @Test
    void anArrayDeclaringTwoBillionItemsIsADecodeLimitErrorNotAnOutOfMemoryError() throws IOException {
        byte[] poison = framed(encoder -> {
            header(encoder);
            encoder.writeIndex(1);                   // messages: the array branch
            encoder.writeArrayStart();
            encoder.setItemCount(Integer.MAX_VALUE - 8);
        });
        assertTrue(poison.length < 100, "poison record is " + poison.length + " bytes");

        DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> serde.deserializer().deserialize("prompts", poison));

        assertEquals(AvroDecodeLimits.MAX_COLLECTION_ITEMS_CONFIG, e.limitKey());
        assertTrue(e.getMessage().contains("2147483639 items"), e.getMessage());
        assertTrue(e.getMessage().contains("schema id " + schemaId), e.getMessage());
    }

    @Test
    void aStringDeclaringAGigabyteIsADecodeLimitError() throws IOException {
        byte[] poison = framed(encoder -> encoder.writeLong(1L << 30));   // request_id's length

        DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> serde.deserializer().deserialize("prompts", poison));

        assertEquals(AvroDecodeLimits.MAX_STRING_BYTES_CONFIG, e.limitKey());
    }

    @Test
    void aStringLongerThanTheBytesPresentIsMalformedWithoutAllocatingIt() throws IOException {
        byte[] poison = framed(encoder -> encoder.writeLong(1_000_000L));  // under the limit, but 1 MB is not there

        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("prompts", poison));

        assertTrue(e.getMessage().contains("needs 1000000 bytes but"), e.getMessage());
    }

    @Test
    void aRecordOverTheRecordSizeLimitIsRefusedBeforeAnySchemaLookup() {
        config.put(AvroDecodeLimits.MAX_RECORD_BYTES_CONFIG, "1000");
        try (Serde<PromptRequest> limited = LoraqSerdes.promptRequest(config, false)) {
            byte[] big = new byte[1001];
            WireFormat.writeHeader(big, 77);
            int requestsBefore = server.requestLines().size();

            DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> limited.deserializer().deserialize("prompts", big));

            assertEquals(AvroDecodeLimits.MAX_RECORD_BYTES_CONFIG, e.limitKey());
            assertTrue(e.getMessage().contains("1001 bytes"), e.getMessage());
            assertEquals(requestsBefore, server.requestLines().size(), "no registry call for a refused record");
        }
    }

    @Test
    void aTooManyItemsLimitCountsAllCollectionsOfTheRecord() {
        config.put(AvroDecodeLimits.MAX_COLLECTION_ITEMS_CONFIG, "3");
        try (Serde<PromptRequest> limited = LoraqSerdes.promptRequest(config, false)) {
            // chatRequest has 2 messages, 1 stop string and 1 metadata entry: 4 items.
            byte[] valid = serde.serializer().serialize("prompts", Records.chatRequest("r-1"));

            DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> limited.deserializer().deserialize("prompts", valid));

            assertEquals(AvroDecodeLimits.MAX_COLLECTION_ITEMS_CONFIG, e.limitKey());
        }
    }

    @Test
    void bytesAfterACompleteRecordAreRefused() {
        byte[] valid = serde.serializer().serialize("prompts", Records.chatRequest("r-1"));
        byte[] trailing = Arrays.copyOf(valid, valid.length + 3);

        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("prompts", trailing));

        assertTrue(e.getMessage().contains("3 bytes after the complete record"), e.getMessage());
    }

    @Test
    void schemaIdsArePrintedUnsigned() {
        byte[] framed = WireFormat.frame(0xFFFF_FFFF, new byte[] {2, 'r'});

        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> serde.deserializer().deserialize("prompts", framed));

        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
        assertTrue(!e.getMessage().contains("-1 "), e.getMessage());
    }

    @Test
    void everyTruncationAndRandomCorruptionOfAValidRecordFailsAsARecordError() {
        byte[] valid = serde.serializer().serialize("prompts", Records.chatRequest("r-1"));
        assertEquals(Records.chatRequest("r-1"), serde.deserializer().deserialize("prompts", valid));
        for (int length = WireFormat.HEADER_LENGTH; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("prompts", truncated), "length " + length);
        }
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] corrupt = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                corrupt[WireFormat.HEADER_LENGTH + random.nextInt(valid.length - WireFormat.HEADER_LENGTH)] = (byte) random.nextInt(256);
            }
            try {
                serde.deserializer().deserialize("prompts", corrupt);
            } catch (SerializationException expected) {
                // Any record error is fine; anything else (OutOfMemoryError, a raw RuntimeException) fails the test.
            } catch (RuntimeException e) {
                throw new AssertionError("corruption " + i + " escaped as " + e, e);
            }
        }
    }

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private byte[] framed(Writes writes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writes.to(encoder);
        encoder.flush();
        return WireFormat.frame(schemaId, out.toByteArray());
    }

    private static void header(BinaryEncoder encoder) throws IOException {
        encoder.writeString("r-1");
        encoder.writeString("job-1");
        encoder.writeString("acme");
        encoder.writeIndex(0);                       // adapter_id null
        encoder.writeIndex(0);                       // prompt null
    }
}
