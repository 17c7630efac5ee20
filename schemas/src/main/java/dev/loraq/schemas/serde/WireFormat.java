package dev.loraq.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian), then the Avro binary
 * payload.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** A framed message split into its schema id and a view of its payload (no copy). */
    public record Framed(int schemaId, ByteBuffer payload) {
    }

    /** Frames an Avro payload with the schema id. */
    public static byte[] frame(int schemaId, byte[] payload) {
        byte[] framed = new byte[HEADER_LENGTH + payload.length];
        writeHeader(framed, schemaId);
        System.arraycopy(payload, 0, framed, HEADER_LENGTH, payload.length);
        return framed;
    }

    /** Writes the 5 header bytes at the start of target. */
    public static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /** The schema id of a framed message, after checking its magic byte and length. */
    public static int schemaId(byte[] framed) {
        if (framed.length < HEADER_LENGTH) {
            throw new WireFormatException("Not Confluent wire format: " + framed.length + " bytes, need at least "
                    + HEADER_LENGTH + " (magic byte 0 and a 4-byte schema id)" + (framed.length > 0 ? "; first byte 0x" + hex(framed[0]) : ""));
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new WireFormatException("Not Confluent wire format: first byte is 0x" + hex(framed[0])
                    + ", expected magic byte 0x00 (message length " + framed.length + " bytes)");
        }
        return ((framed[1] & 0xff) << 24) | ((framed[2] & 0xff) << 16) | ((framed[3] & 0xff) << 8) | (framed[4] & 0xff);
    }

    /** Splits a framed message into schema id and payload. */
    public static Framed unframe(byte[] framed) {
        int id = schemaId(framed);
        return new Framed(id, ByteBuffer.wrap(framed, HEADER_LENGTH, framed.length - HEADER_LENGTH).slice());
    }

    private static String hex(byte b) {
        return String.format("%02x", b & 0xff);
    }
}
