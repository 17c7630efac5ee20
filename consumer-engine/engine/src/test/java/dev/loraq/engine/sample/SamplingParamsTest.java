package dev.loraq.engine.sample;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingParamsTest {

    private static void assertInvalid(String expectedMessage, Executable build) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, build);
        assertEquals(ErrorCode.INVALID_SAMPLING, e.code());
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void shouldRejectOutOfRangeValuesNamingFieldAndValue() {
        assertInvalid("temperature must be in [0, 2], got -1.0",
                () -> new SamplingParams(16, -1.0, 0, 1.0, null, List.of(), List.of()));
        assertInvalid("temperature must be in [0, 2], got NaN",
                () -> new SamplingParams(16, Double.NaN, 0, 1.0, null, List.of(), List.of()));
        assertInvalid("top_p must be in (0, 1], got 0.0",
                () -> new SamplingParams(16, 1.0, 0, 0.0, null, List.of(), List.of()));
        assertInvalid("top_p must be in (0, 1], got 1.5",
                () -> new SamplingParams(16, 1.0, 0, 1.5, null, List.of(), List.of()));
        assertInvalid("top_k must be >= 0 (0 = off), got -3",
                () -> new SamplingParams(16, 1.0, -3, 1.0, null, List.of(), List.of()));
        assertInvalid("max_tokens must be in [1, 1048576], got 0",
                () -> new SamplingParams(0, 1.0, 0, 1.0, null, List.of(), List.of()));
        assertInvalid("stop[1] must be 1-256 characters, got 0 characters",
                () -> new SamplingParams(16, 1.0, 0, 1.0, null, List.of("a", ""), List.of()));
        assertInvalid("stop_token_ids[0] must be a token id >= 0, got -1",
                () -> new SamplingParams(16, 1.0, 0, 1.0, null, List.of(), List.of(-1)));
        assertInvalid("stop_token_ids[1] must be a token id >= 0, got null",
                () -> new SamplingParams(16, 1.0, 0, 1.0, null, List.of(), Arrays.asList(3, null)));
        assertInvalid("stop must hold at most 16 strings, got 17",
                () -> new SamplingParams(16, 1.0, 0, 1.0, null, Collections.nCopies(17, "x"), List.of()));
    }

    @Test
    void shouldCheckStopTokenIdsAgainstVocabulary() {
        SamplingParams p = new SamplingParams(16, 1.0, 0, 1.0, null, List.of(), List.of(5, 600));

        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> p.requireTokenIdsBelow(512));

        assertEquals("stop_token_ids[1] must be below the vocabulary size 512, got 600", e.getMessage());
        assertTrue(p.isStopToken(600));
        assertFalse(p.isStopToken(6));
    }

    @Test
    void shouldTreatNullListsAsEmptyAndCopyThem() {
        java.util.ArrayList<String> stops = new java.util.ArrayList<>(List.of("x"));
        SamplingParams p = new SamplingParams(4, 0.0, 0, 1.0, null, stops, null);
        stops.add("y");

        assertEquals(List.of("x"), p.stopStrings());
        assertEquals(List.of(), p.stopTokenIds());
        assertTrue(p.isGreedy());
        assertTrue(new SamplingParams(4, 1.0, 1, 1.0, null, null, null).isGreedy());
    }
}
