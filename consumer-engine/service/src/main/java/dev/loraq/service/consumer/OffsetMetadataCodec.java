package dev.loraq.service.consumer;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collection;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Encodes the offsets already completed at or above a partition's committed offset into the offset commit metadata
 * string (the design of confluentinc/parallel-consumer), so that a new owner skips them instead of redoing them.
 *
 * <p>Format: the prefix {@value #PREFIX} (format version 1), one letter for the encoding, then URL-safe base64
 * without padding. {@code B}: a bit set, bit i set when offset {@code base + i} is completed. {@code R}: unsigned
 * varint run lengths from {@code base}, alternating incomplete and completed runs (the first run may be 0). The
 * shorter of the two is written. An empty set encodes as the empty string, and metadata without the prefix (written
 * by some other tool) decodes as nothing completed.
 */
public final class OffsetMetadataCodec {

    public static final String PREFIX = "lq1";
    /** Kafka's default offset.metadata.max.bytes. */
    public static final int KAFKA_METADATA_LIMIT = 4096;

    private OffsetMetadataCodec() {
    }

    /** The metadata string for completed offsets (only those at or above base count). */
    public static String encode(long base, Collection<Long> completed) {
        NavigableSet<Long> above = new TreeSet<>();
        for (Long offset : completed) {
            if (offset >= base) {
                above.add(offset);
            }
        }
        if (above.isEmpty()) {
            return "";
        }
        String bits = PREFIX + "B" + base64(bitSet(base, above));
        String runs = PREFIX + "R" + base64(runLengths(base, above));
        return runs.length() < bits.length() ? runs : bits;
    }

    /** The completed offsets a metadata string names, relative to the committed offset it was stored with. */
    public static NavigableSet<Long> decode(long base, String metadata) {
        NavigableSet<Long> completed = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(PREFIX) || metadata.length() < PREFIX.length() + 1) {
            return completed;
        }
        char kind = metadata.charAt(PREFIX.length());
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length() + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Offset commit metadata '" + abbreviate(metadata) + "' at offset " + base
                    + " is not valid base64: " + e.getMessage(), e);
        }
        switch (kind) {
            case 'B' -> {
                BitSet set = BitSet.valueOf(bytes);
                for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
                    completed.add(base + i);
                }
            }
            case 'R' -> {
                long offset = base;
                boolean completedRun = false;
                int[] position = {0};
                while (position[0] < bytes.length) {
                    long length = readVarint(bytes, position, metadata, base);
                    if (completedRun) {
                        for (long i = 0; i < length; i++) {
                            completed.add(offset + i);
                        }
                    }
                    offset += length;
                    completedRun = !completedRun;
                }
            }
            default -> throw new IllegalArgumentException("Offset commit metadata '" + abbreviate(metadata) + "' at offset "
                    + base + " has unknown encoding '" + kind + "' (expected B or R after " + PREFIX + ")");
        }
        return completed;
    }

    private static byte[] bitSet(long base, NavigableSet<Long> completed) {
        BitSet set = new BitSet();
        for (long offset : completed) {
            set.set(Math.toIntExact(offset - base));
        }
        return set.toByteArray();
    }

    private static byte[] runLengths(long base, NavigableSet<Long> completed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = base;
        long runStart = -1;
        long previous = -1;
        for (long offset : completed) {
            if (runStart >= 0 && offset == previous + 1) {
                previous = offset;
                continue;
            }
            if (runStart >= 0) {
                writeVarint(out, previous + 1 - runStart);
                next = previous + 1;
            }
            writeVarint(out, offset - next);
            runStart = offset;
            previous = offset;
        }
        writeVarint(out, previous + 1 - runStart);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarint(byte[] bytes, int[] position, String metadata, long base) {
        long value = 0;
        int shift = 0;
        while (true) {
            if (position[0] >= bytes.length || shift > 63) {
                throw new IllegalArgumentException("Offset commit metadata '" + abbreviate(metadata) + "' at offset " + base
                        + " has a truncated run length");
            }
            byte b = bytes[position[0]++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String abbreviate(String metadata) {
        return metadata.length() <= 40 ? metadata : metadata.substring(0, 40) + "...(" + metadata.length() + " chars)";
    }
}
