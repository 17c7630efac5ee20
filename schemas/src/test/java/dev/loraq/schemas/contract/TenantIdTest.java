package dev.loraq.schemas.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TenantIdTest {

    @Test
    void shouldAcceptLettersDigitsUnderscoreAndDashUpToTheLimit() {
        for (String id : new String[] {"a", "Z", "7", "acme", "acme-eu_2", "0day", "a_", "b-", "x".repeat(TenantId.MAX_LENGTH)}) {
            assertTrue(TenantId.isValid(id), id);
        }
    }

    @Test
    void shouldRefuseWhatIsUnsafeInTopicNamesOrPaths() {
        String[] refused = {null, "", ".", "..", "../acme", "acme/../globex", "a/b", "a\\b", "a.b", ".hidden", "-rf", "_x",
                "a b", " acme", "acme\n", "ümlaut", "acme:1", "{tenant}", "x".repeat(TenantId.MAX_LENGTH + 1)};
        for (String id : refused) {
            assertFalse(TenantId.isValid(id), "refused: " + id);
        }
    }
}
