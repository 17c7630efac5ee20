package dev.loraq.engine.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopStringMatcherTest {

    @Test
    void shouldPassTextThroughWithoutStopStrings() {
        StopStringMatcher m = new StopStringMatcher(List.of());

        StopStringMatcher.Step step = m.append("hello");

        assertEquals("hello", step.emit());
        assertFalse(step.stopped());
    }

    @Test
    void shouldFindStopStringSplitAcrossPiecesWithoutLeakingIt() {
        StopStringMatcher m = new StopStringMatcher(List.of("</answer>"));
        StringBuilder out = new StringBuilder();

        out.append(m.append("The result is 4</an").emit());
        assertEquals("The result is 4", out.toString(), "the possible stop prefix is held back");
        StopStringMatcher.Step step = m.append("swer> and more");
        out.append(step.emit());

        assertTrue(step.stopped());
        assertEquals("</answer>", step.stopString());
        assertEquals("The result is 4", out.toString());
        assertEquals(15, step.stopIndex());
    }

    @Test
    void shouldReleaseHeldTextWhenPrefixIsRuledOut() {
        StopStringMatcher m = new StopStringMatcher(List.of("STOP"));

        assertEquals("a", m.append("aST").emit());
        StopStringMatcher.Step step = m.append("AY");

        assertEquals("STAY", step.emit());
        assertFalse(step.stopped());
    }

    @Test
    void shouldPickEarliestOfSeveralStopStrings() {
        StopStringMatcher m = new StopStringMatcher(List.of("world", "lo w"));

        StopStringMatcher.Step step = m.append("hello world");

        assertTrue(step.stopped());
        assertEquals("lo w", step.stopString());
        assertEquals("hel", step.emit());
        assertEquals(3, step.stopIndex());
    }

    @Test
    void shouldFlushHeldTextAtEndAndIgnoreTextAfterStop() {
        StopStringMatcher m = new StopStringMatcher(List.of("\n\n"));

        assertEquals("line", m.append("line\n").emit());
        assertEquals("\n", m.flush());

        StopStringMatcher n = new StopStringMatcher(List.of("x"));
        assertTrue(n.append("abxcd").stopped());
        StopStringMatcher.Step after = n.append("more");
        assertEquals("", after.emit());
        assertNull(after.stopString());
        assertEquals("", n.flush());
    }

    @Test
    void shouldMatchAReferenceSearchOverRandomPieces() {
        java.util.Random random = new java.util.Random(7);
        List<String> stops = List.of("aba", "bb", "cab");
        for (int trial = 0; trial < 500; trial++) {
            StringBuilder text = new StringBuilder();
            int len = 1 + random.nextInt(20);
            for (int i = 0; i < len; i++) {
                text.append((char) ('a' + random.nextInt(3)));
            }
            String full = text.toString();
            int expectedAt = Integer.MAX_VALUE;
            for (String s : stops) {
                int at = full.indexOf(s);
                if (at >= 0) {
                    expectedAt = Math.min(expectedAt, at);
                }
            }
            StopStringMatcher m = new StopStringMatcher(stops);
            StringBuilder out = new StringBuilder();
            boolean stopped = false;
            int i = 0;
            while (i < full.length() && !stopped) {
                int j = Math.min(full.length(), i + 1 + random.nextInt(4));
                StopStringMatcher.Step step = m.append(full.substring(i, j));
                out.append(step.emit());
                stopped = step.stopped();
                i = j;
            }
            out.append(m.flush());
            String expected = expectedAt == Integer.MAX_VALUE ? full : full.substring(0, expectedAt);
            assertEquals(expected, out.toString(), "text " + full);
            assertEquals(expectedAt != Integer.MAX_VALUE, stopped, "text " + full);
        }
    }
}
