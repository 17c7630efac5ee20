package dev.loraq.engine.text;

import java.util.List;

/**
 * Finds stop strings in text that arrives in pieces, per sequence.
 *
 * <p>Text is released only when it can no longer be the start of a stop string: a tail of the pending text that
 * is a prefix of some stop string is held back until later text confirms or rules it out. So a stop string split
 * across token boundaries ("&lt;/an" + "swer&gt;") is still found and never leaks into the output. Because the
 * held-back tail is always the longest such prefix, every occurrence of a stop string starts inside the pending
 * text, and searching only that text is enough.
 */
public final class StopStringMatcher {

    /**
     * What one piece of text produced.
     *
     * @param emit text that is final and may be sent to the caller (possibly empty)
     * @param stopped true when a stop string was found; {@code emit} then ends just before it
     * @param stopString the stop string found, or null
     * @param stopIndex position in the whole text (everything appended so far) where the stop string starts,
     *                  which is also the length of the final output; -1 when not stopped
     */
    public record Step(String emit, boolean stopped, String stopString, long stopIndex) {
    }

    private final String[] stops;
    private final StringBuilder pending = new StringBuilder();
    private long released;
    private boolean stopped;

    public StopStringMatcher(List<String> stopStrings) {
        this.stops = stopStrings.toArray(String[]::new);
        for (String s : stops) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must be non-empty, got " + stopStrings);
            }
        }
    }

    /** Whether there are any stop strings (with none, text passes straight through). */
    public boolean isActive() {
        return stops.length > 0;
    }

    /** Whether a stop string was found; later appends are ignored. */
    public boolean stopped() {
        return stopped;
    }

    /** Adds the next piece of decoded text. */
    public Step append(String text) {
        if (stopped) {
            return new Step("", true, null, -1);
        }
        if (stops.length == 0) {
            released += text.length();
            return new Step(text, false, null, -1);
        }
        pending.append(text);
        int bestAt = -1;
        String best = null;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && s.length() > best.length()))) {
                bestAt = at;
                best = s;
            }
        }
        if (best != null) {
            String emit = pending.substring(0, bestAt);
            long index = released + bestAt;
            released = index;
            pending.setLength(0);
            stopped = true;
            return new Step(emit, true, best, index);
        }
        int hold = longestHeldSuffix();
        int cut = pending.length() - hold;
        String emit = pending.substring(0, cut);
        pending.delete(0, cut);
        released += cut;
        return new Step(emit, false, null, -1);
    }

    /** Releases the held-back text at the end of generation (no stop string can complete any more). */
    public String flush() {
        if (stopped) {
            return "";
        }
        String rest = pending.toString();
        released += rest.length();
        pending.setLength(0);
        return rest;
    }

    /** Length of the longest tail of {@code pending} that is a proper prefix of a stop string. */
    private int longestHeldSuffix() {
        int n = pending.length();
        int best = 0;
        for (String s : stops) {
            int max = Math.min(s.length() - 1, n);
            for (int len = max; len > best; len--) {
                if (regionMatches(n - len, s, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private boolean regionMatches(int from, String s, int len) {
        for (int i = 0; i < len; i++) {
            if (pending.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
