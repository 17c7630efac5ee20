package dev.loraq.schemas.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OutputTopicPatternTest {

    private static final List<String> TENANTS = List.of("a", "acme", "acme-eu_2", "9", "x".repeat(TenantId.MAX_LENGTH));

    @Test
    void shouldMapTenantToTopicUnderTheDefault() {
        assertEquals("loraq.completions.{tenant}", OutputTopicPattern.DEFAULT.pattern());
        assertEquals("loraq.completions.acme", OutputTopicPattern.DEFAULT.topicFor("acme"));
    }

    @Test
    void shouldPutTheTenantWhereThePlaceholderIs() {
        assertEquals("acme-results.globex", OutputTopicPattern.of("acme-results.{tenant}").topicFor("globex"));
        assertEquals("globex.results", OutputTopicPattern.of("{tenant}.results").topicFor("globex"));
        assertEquals("out.globex.v2", OutputTopicPattern.of("out.{tenant}.v2").topicFor("globex"));
        assertEquals("globex", OutputTopicPattern.of("{tenant}").topicFor("globex"));
        assertEquals("acme-results.", OutputTopicPattern.of("acme-results.{tenant}").prefix());
        assertEquals("", OutputTopicPattern.of("{tenant}.results").prefix());
    }

    @Test
    void shouldRefuseTenantIdsThatBreakTheRule() {
        for (String bad : new String[] {null, "", "../acme", "a.b", "a/b", "-x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputTopicPattern.DEFAULT.topicFor(bad));
            assertTrue(e.getMessage().contains(TenantId.RULE), e.getMessage());
        }
    }

    @Test
    void shouldRefuseUnusablePatternsNamingTheProblem() {
        assertRefused(null, "is missing");
        assertRefused("loraq.completions", "lacks {tenant}");
        assertRefused("loraq.completions.{TENANT}", "lacks {tenant}");
        assertRefused("{tenant}.{tenant}", "more than once");
        assertRefused("loraq/completions.{tenant}", "only the characters of topic names");
        assertRefused("loraq completions.{tenant}", "only the characters of topic names");
        assertRefused("loraq.(.*).{tenant}", "only the characters of topic names");
        assertRefused("{tenant}" + "x".repeat(OutputTopicPattern.MAX_TOPIC_LENGTH - TenantId.MAX_LENGTH + 1), "too long");
        OutputTopicPattern longest = OutputTopicPattern.of("{tenant}" + "x".repeat(OutputTopicPattern.MAX_TOPIC_LENGTH - TenantId.MAX_LENGTH));
        assertEquals(OutputTopicPattern.MAX_TOPIC_LENGTH, longest.topicFor("t".repeat(TenantId.MAX_LENGTH)).length());
    }

    private static void assertRefused(String pattern, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputTopicPattern.of(pattern));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("output topic pattern '" + pattern + "'"), e.getMessage());
    }

    @Test
    void subscriptionShouldMatchEveryTopicThePatternGives() {
        for (String pattern : List.of(OutputTopicPattern.DEFAULT_PATTERN, "acme-results.{tenant}", "{tenant}.results", "a.{tenant}.b", "{tenant}")) {
            OutputTopicPattern outputs = OutputTopicPattern.of(pattern);
            for (String tenant : TENANTS) {
                assertTrue(outputs.subscription().matcher(outputs.topicFor(tenant)).matches(), pattern + " / " + tenant);
            }
        }
    }

    @Test
    void subscriptionShouldMatchNothingElse() {
        Pattern defaults = OutputTopicPattern.DEFAULT.subscription();
        for (String topic : List.of("loraq.completions.", "loraq.completions", "loraq.prompts", "loraq.dlq", "loraq.jobs",
                "loraq.job-progress", "loraq.completions.a.b", "loraq.completions.-x", "loraq.completions._x",
                "loraq.completions." + "x".repeat(TenantId.MAX_LENGTH + 1), "xloraq.completions.acme", "loraq.completions.acme.x",
                "loraqXcompletions.acme", "LORAQ.COMPLETIONS.acme", "other.completions.acme")) {
            assertFalse(defaults.matcher(topic).matches(), topic);
        }
        Pattern suffixed = OutputTopicPattern.of("out.{tenant}.v2").subscription();
        for (String topic : List.of("out..v2", "out.acme.v2x", "out.acme.v3", "out.acme", "out.a.b.v2", "outXacmeXv2", "loraq.completions.acme")) {
            assertFalse(suffixed.matcher(topic).matches(), topic);
        }
        Pattern bare = OutputTopicPattern.of("{tenant}").subscription();
        for (String topic : List.of("loraq.prompts", "__consumer_offsets", "_schemas", "a.b", "")) {
            assertFalse(bare.matcher(topic).matches(), topic);
        }
    }
}
