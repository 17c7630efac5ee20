package dev.loraq.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding read from one byte array, with every declared length checked before anything is allocated:
 * against the bytes left in the record (a declared size beyond them is malformed) and against {@link AvroDecodeLimits}.
 * Avro's own {@code BinaryDecoder} allocates a string's or an array's declared size first, so 70 bytes could ask for
 * a gigabyte. Knows its position, so bytes left after a complete record can be refused. Not thread-safe: one per record.
 */
final class BoundedBinaryDecoder extends Decoder {

    private final byte[] buf;
    private final int end;
    private final AvroDecodeLimits limits;
    private int pos;
    private long collectionItems;

    BoundedBinaryDecoder(byte[] buf, int offset, int length, AvroDecodeLimits limits) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        this.limits = limits;
    }

    /** Bytes not yet read. */
    int remaining() {
        return end - pos;
    }

    @Override
    public void readNull() {
    }

    @Override
    public boolean readBoolean() throws IOException {
        int b = nextByte();
        if (b > 1) {
            throw new AvroRuntimeException("Invalid boolean byte 0x" + Integer.toHexString(b) + " at payload byte " + (pos - 1));
        }
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        int start = pos;
        long raw = readVarLong(5);
        long value = (raw >>> 1) ^ -(raw & 1);
        if (raw > 0xFFFF_FFFFL) {
            throw new AvroRuntimeException("Invalid int encoding at payload byte " + start);
        }
        return (int) value;
    }

    @Override
    public long readLong() throws IOException {
        long raw = readVarLong(10);
        return (raw >>> 1) ^ -(raw & 1);
    }

    @Override
    public float readFloat() throws IOException {
        require(4, "float");
        int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        require(8, "double");
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = bits << 8 | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = lengthOf("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = lengthOf("string");
        String text = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return text;
    }

    @Override
    public void skipString() throws IOException {
        pos += lengthOf("string");
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = lengthOf("bytes");
        ByteBuffer result = old != null && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
        result.put(buf, pos, length).flip();
        pos += length;
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        pos += lengthOf("bytes");
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        require(length, "fixed");
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        require(length, "fixed");
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return nextBlock("array");
    }

    @Override
    public long arrayNext() throws IOException {
        return nextBlock("array");
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks("array");
    }

    @Override
    public long readMapStart() throws IOException {
        return nextBlock("map");
    }

    @Override
    public long mapNext() throws IOException {
        return nextBlock("map");
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks("map");
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    // A block is a count (negative: followed by the block's size in bytes); zero ends the collection.
    private long nextBlock(String what) throws IOException {
        long count = readLong();
        if (count < 0) {
            count = -count;
            readLong();
        }
        countItems(count, what);
        return count;
    }

    // Skips sized blocks whole; returns the item count of the first block that must be skipped item by item.
    private long skipBlocks(String what) throws IOException {
        while (true) {
            long count = readLong();
            if (count >= 0) {
                countItems(count, what);
                return count;
            }
            long size = readLong();
            if (size < 0 || size > remaining()) {
                throw new EOFException("Avro " + what + " block declares " + size + " bytes but " + remaining() + " remain");
            }
            pos += (int) size;
        }
    }

    private void countItems(long count, String what) {
        if (count < 0 || count > limits.maxCollectionItems() - collectionItems) {
            throw new DecodeLimitException("Avro " + what + " block declares " + Long.toUnsignedString(count) + " items, "
                    + collectionItems + " already read; at most " + limits.maxCollectionItems() + " per record",
                    AvroDecodeLimits.MAX_COLLECTION_ITEMS_CONFIG);
        }
        collectionItems += count;
    }

    private int lengthOf(String what) throws IOException {
        long length = readLong();
        if (length < 0) {
            throw new AvroRuntimeException("Malformed Avro: negative " + what + " length " + length);
        }
        if (length > limits.maxStringBytes()) {
            throw new DecodeLimitException("Avro " + what + " declares " + length + " bytes, over the limit of "
                    + limits.maxStringBytes(), AvroDecodeLimits.MAX_STRING_BYTES_CONFIG);
        }
        require((int) length, what);
        return (int) length;
    }

    private void require(int length, String what) throws EOFException {
        if (length < 0 || length > remaining()) {
            throw new EOFException("Avro " + what + " needs " + length + " bytes but " + remaining() + " remain");
        }
    }

    private int nextByte() throws EOFException {
        if (pos >= end) {
            throw new EOFException("Avro payload ends early: " + (end - pos) + " bytes remain");
        }
        return buf[pos++] & 0xFF;
    }

    private long readVarLong(int maxBytes) throws IOException {
        long raw = 0;
        for (int shift = 0, i = 0; i < maxBytes; i++, shift += 7) {
            int b = nextByte();
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return raw;
            }
        }
        throw new AvroRuntimeException("Invalid variable-length integer encoding: more than " + maxBytes + " bytes");
    }
}
