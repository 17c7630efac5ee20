package dev.loraq.tools.usage;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The usage table summed for one view: rows of the view's period, of one tenant or all, from a time on. */
public final class UsageReport {

    private static final Comparator<UsageRow> ORDER = Comparator.comparing(UsageRow::tenantId)
            .thenComparingLong(UsageRow::periodStart)
            .thenComparing(UsageRow::adapterId, Comparator.nullsFirst(Comparator.naturalOrder()));

    private UsageReport() {
    }

    /**
     * @param tenant only this tenant's rows; null for every tenant
     * @param since  only periods that hold or follow this instant; null for all
     * @return one line per group of the view, ordered by tenant, then period, then adapter (base model first)
     */
    public static List<UsageRow> of(Collection<UsageRow> table, UsageView view, String tenant, Instant since) {
        String period = view.source().label();
        long from = since == null ? Long.MIN_VALUE : view.firstPeriodStart(since);
        Map<String, UsageRow> lines = new LinkedHashMap<>();
        for (UsageRow row : table) {
            if (!row.period().equals(period) || row.periodStart() < from || (tenant != null && !tenant.equals(row.tenantId()))) {
                continue;
            }
            UsageRow line = view.group(row);
            lines.merge(line.key(), line, UsageRow::plus);
        }
        return lines.values().stream().sorted(ORDER).toList();
    }
}
