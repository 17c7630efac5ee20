package dev.loraq.engine.lora;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "sql_v2", "Llama3.1-8B_lora-r16", "a", "0", "a..b", "x-"})
    void shouldAcceptValidIds(String id) {
        assertEquals(id, AdapterId.of(id).value());
        assertEquals(id, AdapterId.of(id).toString());
        assertTrue(AdapterId.isValid(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../etc", "..\\windows", "/abs", "a/b", "a\\b", "C:", ".hidden", "-rf",
            "a b", "tab\there", "nul\u0000byte", "new\nline", "caf\u00e9", "a\u2215b", "\uff0e\uff0e", "a\u2024b",
            "\u0430dmin", "emoji\uD83D\uDE00"})
    void shouldRejectPathLikeOrNonAsciiIds(String id) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> AdapterId.of(id));

        assertEquals(ErrorCode.INVALID_ADAPTER_ID, e.code());
        assertTrue(e.getMessage().startsWith("invalid adapter id '"), e.getMessage());
        assertFalse(AdapterId.isValid(id));
        assertFalse(e.getMessage().contains("\u0000") || e.getMessage().contains("\n"), "message is escaped");
    }

    @Test
    void shouldExplainWhichRuleWasBroken() {
        assertEquals("invalid adapter id '../etc': must not start with '.'",
                assertThrows(InvalidRequestException.class, () -> AdapterId.of("../etc")).getMessage());
        assertEquals("invalid adapter id 'a/b': character '/' (U+002F) at index 1 is not allowed (only A-Z a-z 0-9 . _ -)",
                assertThrows(InvalidRequestException.class, () -> AdapterId.of("a/b")).getMessage());
        assertEquals("invalid adapter id 'a\\u2215b': character U+2215 at index 1 is not allowed (only A-Z a-z 0-9 . _ -)",
                assertThrows(InvalidRequestException.class, () -> AdapterId.of("a\u2215b")).getMessage());
        assertEquals("invalid adapter id null: must not be null",
                assertThrows(InvalidRequestException.class, () -> AdapterId.of(null)).getMessage());
    }

    @Test
    void shouldBoundLength() {
        assertEquals(128, AdapterId.of("a".repeat(128)).value().length());
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> AdapterId.of("a".repeat(129)));
        assertTrue(e.getMessage().contains("at most 128 characters, got 129"), e.getMessage());
    }
}
