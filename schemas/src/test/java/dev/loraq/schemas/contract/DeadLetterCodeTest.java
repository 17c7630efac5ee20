package dev.loraq.schemas.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadLetterCodeTest {

    /** The strings are on the wire and in operators' scripts (loraq dlq --code): a change here breaks them. */
    @Test
    void shouldKeepTheWireStrings() {
        assertEquals(List.of("wire_format", "schema_not_found", "avro_decode", "decode_limit", "decode_failed", "tombstone",
                        "no_tenant", "no_request_id", "output_topic_missing"),
                Arrays.stream(DeadLetterCode.values()).map(DeadLetterCode::code).toList());
    }

    @Test
    void shouldFindACodeByItsString() {
        for (DeadLetterCode code : DeadLetterCode.values()) {
            assertEquals(Optional.of(code), DeadLetterCode.of(code.code()));
        }
        assertTrue(DeadLetterCode.of("WIRE_FORMAT").isEmpty(), "the wire string, not the constant's name");
        assertTrue(DeadLetterCode.of("no_such_code").isEmpty());
        assertTrue(DeadLetterCode.of(null).isEmpty());
    }
}
