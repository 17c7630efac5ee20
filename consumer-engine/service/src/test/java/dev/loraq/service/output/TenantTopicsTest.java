package dev.loraq.service.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.contract.TenantId;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TenantTopicsTest {

    private static final Pattern DEFAULT_RULE = Pattern.compile(TenantId.REGEX);

    @Test
    void shouldMapValidTenantsThroughThePattern() {
        TenantTopics topics = new TenantTopics("acme-results.{tenant}.v1", DEFAULT_RULE);
        assertEquals("acme-results.globex.v1", topics.topicFor("globex"));
        assertEquals("loraq.completions.acme", new TenantTopics("loraq.completions.{tenant}", DEFAULT_RULE).topicFor("acme"));
    }

    @Test
    void shouldRefuseTenantsOutsideThePipelineRuleEvenWhenTheConfiguredPatternIsWider() {
        TenantTopics wide = new TenantTopics("loraq.completions.{tenant}", Pattern.compile(".*"));
        for (String id : new String[] {"a.b", "../acme", "-x", "x".repeat(TenantId.MAX_LENGTH + 1)}) {
            assertFalse(wide.isValidTenant(id), id);
            assertTrue(wide.whyInvalid(id).contains("breaks the tenant id rule"), wide.whyInvalid(id));
            assertThrows(IllegalArgumentException.class, () -> wide.topicFor(id));
        }
        assertFalse(wide.isValidTenant(null));
        assertEquals("tenant_id is empty", wide.whyInvalid(""));
    }

    @Test
    void shouldApplyANarrowerConfiguredPattern() {
        TenantTopics narrow = new TenantTopics("loraq.completions.{tenant}", Pattern.compile("[a-z]{2,10}"));
        assertTrue(narrow.isValidTenant("acme"));
        assertFalse(narrow.isValidTenant("Acme1"));
        assertEquals("tenant_id 'Acme1' does not match the tenant id pattern [a-z]{2,10}", narrow.whyInvalid("Acme1"));
    }

    @Test
    void shouldRefuseAPatternThatIsNotAUsableTopicName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TenantTopics("loraq/completions.{tenant}", DEFAULT_RULE));
        assertTrue(e.getMessage().contains("loraq/completions.{tenant}"), e.getMessage());
    }
}
