package dev.loraq.tools.submit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a completion window: OpenAI's form ({@code 24h}), any {@code <n>d|h|m|s} (combined: {@code 1h30m}), or ISO-8601 ({@code PT90M}). */
public final class CompletionWindow {

    private static final Pattern SHORT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private CompletionWindow() {
    }

    /** The window; an {@link IllegalArgumentException} naming the text when it is not a positive duration. */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        Duration window;
        Matcher m = SHORT.matcher(trimmed);
        if (!trimmed.isEmpty() && m.matches()) {
            window = Duration.ofDays(number(m.group(1))).plusHours(number(m.group(2))).plusMinutes(number(m.group(3)))
                    .plusSeconds(number(m.group(4)));
        } else {
            try {
                window = Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("completion window '" + text + "' is not a duration: write it as 24h, 90m, "
                        + "1h30m, 2d, 45s or ISO-8601 (PT24H)");
            }
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("completion window '" + text + "' must be positive");
        }
        return window;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
