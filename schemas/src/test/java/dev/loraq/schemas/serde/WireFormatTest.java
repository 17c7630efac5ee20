package dev.loraq.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void shouldFrameWithMagicByteAndBigEndianIdThenUnframe() {
        byte[] payload = {10, 20, 30};

        byte[] framed = WireFormat.frame(0x01020304, payload);

        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 10, 20, 30}, framed);
        WireFormat.Framed unframed = WireFormat.unframe(framed);
        assertEquals(0x01020304, unframed.schemaId());
        byte[] back = new byte[unframed.payload().remaining()];
        unframed.payload().get(back);
        assertArrayEquals(payload, back);
    }

    @Test
    void shouldRoundTripIdsAboveSignedByteRange() {
        int id = 0xfffffffe;

        assertEquals(id, WireFormat.schemaId(WireFormat.frame(id, new byte[0])));
        assertEquals(200, WireFormat.schemaId(WireFormat.frame(200, new byte[0])));
    }

    @Test
    void shouldUnframeEmptyPayload() {
        ByteBuffer payload = WireFormat.unframe(WireFormat.frame(5, new byte[0])).payload();

        assertEquals(0, payload.remaining());
    }

    @Test
    void shouldRejectWrongMagicByteSayingWhatWasFound() {
        byte[] json = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        WireFormatException e = assertThrows(WireFormatException.class, () -> WireFormat.schemaId(json));

        assertTrue(e.getMessage().contains("first byte is 0x7b"), e.getMessage());
        assertTrue(e.getMessage().contains("length 7 bytes"), e.getMessage());
    }

    @Test
    void shouldRejectPayloadShorterThanHeaderSayingItsLength() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> WireFormat.schemaId(new byte[] {0, 0, 1}));

        assertTrue(e.getMessage().contains("3 bytes, need at least 5"), e.getMessage());
    }

    @Test
    void shouldRejectEmptyPayload() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> WireFormat.unframe(new byte[0]));

        assertTrue(e.getMessage().contains("0 bytes"), e.getMessage());
    }
}
