package dev.loraq.schemas.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleErrorCodeTest {

    /** On the wire and in OpenAI clients' error handling (batch_expired is OpenAI's): a change here breaks them. */
    @Test
    void shouldKeepTheWireStrings() {
        assertEquals(List.of("cancelled", "batch_expired"), Arrays.stream(LifecycleErrorCode.values()).map(LifecycleErrorCode::code).toList());
    }

    @Test
    void shouldFindACodeByItsString() {
        for (LifecycleErrorCode code : LifecycleErrorCode.values()) {
            assertEquals(Optional.of(code), LifecycleErrorCode.of(code.code()));
        }
        assertTrue(LifecycleErrorCode.of("BATCH_EXPIRED").isEmpty(), "the wire string, not the constant's name");
        assertTrue(LifecycleErrorCode.of("unknown_adapter").isEmpty());
        assertTrue(LifecycleErrorCode.of(null).isEmpty());
    }
}
