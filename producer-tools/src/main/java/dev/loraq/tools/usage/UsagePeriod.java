package dev.loraq.tools.usage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The spans usage is summed over: UTC hours and UTC days, each starting at its truncated instant. */
public enum UsagePeriod {
    HOUR(ChronoUnit.HOURS),
    DAY(ChronoUnit.DAYS);

    private final ChronoUnit unit;

    UsagePeriod(ChronoUnit unit) {
        this.unit = unit;
    }

    /** The start of the period that holds {@code at} (UTC). */
    public Instant start(Instant at) {
        return at.truncatedTo(unit);
    }

    /** The name in usage rows and keys: {@code hour}, {@code day}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UsagePeriod ofLabel(String label) {
        for (UsagePeriod p : values()) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown usage period '" + label + "' (hour or day)");
    }
}
