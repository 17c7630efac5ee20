package dev.loraq.service.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OffsetMetadataCodecTest {

    @Test
    void shouldRoundTripRandomCompletedSets() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            long base = random.nextInt(1_000_000);
            NavigableSet<Long> completed = new TreeSet<>();
            int span = 1 + random.nextInt(2000);
            double density = random.nextDouble();
            for (int i = 0; i < span; i++) {
                if (random.nextDouble() < density) {
                    completed.add(base + i);
                }
            }
            String encoded = OffsetMetadataCodec.encode(base, completed);
            assertEquals(completed, OffsetMetadataCodec.decode(base, encoded), "round " + round + " metadata " + encoded);
        }
    }

    @Test
    void shouldEncodeNothingAsEmptyString() {
        assertEquals("", OffsetMetadataCodec.encode(10, Set.of()));
        assertTrue(OffsetMetadataCodec.decode(10, "").isEmpty());
    }

    @Test
    void shouldIgnoreOffsetsBelowBase() {
        assertEquals(Set.of(12L), OffsetMetadataCodec.decode(10, OffsetMetadataCodec.encode(10, List.of(3L, 9L, 12L))));
    }

    @Test
    void shouldTreatForeignMetadataAsNothingCompleted() {
        assertTrue(OffsetMetadataCodec.decode(5, "written by another tool").isEmpty());
    }

    @Test
    void shouldRejectCorruptMetadataNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OffsetMetadataCodec.decode(5, "lq1X AAA"));
        assertTrue(e.getMessage().contains("lq1X"), e.getMessage());
    }

    @Test
    void shouldStayCompactForLongRuns() {
        NavigableSet<Long> completed = new TreeSet<>();
        for (long o = 1; o <= 100_000; o++) {
            completed.add(o);
        }
        String encoded = OffsetMetadataCodec.encode(0, completed);
        assertTrue(encoded.length() < 20, encoded);
        assertTrue(encoded.startsWith("lq1R"), encoded);
        assertEquals(completed, OffsetMetadataCodec.decode(0, encoded));
    }

    @Test
    void shouldPickBitSetForScatteredOffsets() {
        NavigableSet<Long> completed = new TreeSet<>();
        for (long o = 1; o < 4000; o += 2) {
            completed.add(o);
        }
        String encoded = OffsetMetadataCodec.encode(0, completed);
        assertTrue(encoded.startsWith("lq1B"), encoded);
        assertTrue(encoded.length() < OffsetMetadataCodec.KAFKA_METADATA_LIMIT, "length " + encoded.length());
        assertEquals(completed, OffsetMetadataCodec.decode(0, encoded));
    }
}
