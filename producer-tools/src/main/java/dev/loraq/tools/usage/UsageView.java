package dev.loraq.tools.usage;

import java.time.Instant;
import java.util.Locale;

/**
 * How {@code loraq usage --by} groups the table: per tenant and adapter (summed over hour rows), per tenant and UTC
 * day (day rows, adapters summed), or per tenant and UTC hour (hour rows, adapters summed).
 */
public enum UsageView {
    ADAPTER(UsagePeriod.HOUR),
    DAY(UsagePeriod.DAY),
    HOUR(UsagePeriod.HOUR);

    private final UsagePeriod source;

    UsageView(UsagePeriod source) {
        this.source = source;
    }

    /** The rows this view sums. */
    public UsagePeriod source() {
        return source;
    }

    /** {@code adapter}, {@code day}, {@code hour}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The row's counts under this view's identity: adapter views drop the period, period views drop the adapter. */
    UsageRow group(UsageRow row) {
        return this == ADAPTER ? row.as(row.tenantId(), row.adapterId(), label(), 0) : row.as(row.tenantId(), null, row.period(), row.periodStart());
    }

    /** The first period start a report since {@code since} includes: the period that holds it, then later ones. */
    long firstPeriodStart(Instant since) {
        return source.start(since).toEpochMilli();
    }
}
