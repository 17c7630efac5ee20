package dev.loraq.tools.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The {@code --since} of {@code loraq usage}: an ISO-8601 time with offset, a UTC date, or a duration back from now. */
public final class UsageSince {

    private UsageSince() {
    }

    /**
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Instant parse(String value, Instant now) {
        String v = value.trim();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                Duration back = Duration.parse(v);
                if (back.isNegative()) {
                    throw new IllegalArgumentException("--since duration must not be negative, got '" + value + "'");
                }
                return now.minus(back);
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since must be an ISO-8601 time with a zone offset (2026-11-05T10:00:00Z), "
                    + "a UTC date (2026-11-05) or a duration back from now (PT24H, P7D), got '" + value + "'", e);
        }
    }
}
