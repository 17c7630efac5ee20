package dev.loraq.tools.usage;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;

/**
 * One row of the usage table (loraq.usage, JSON snake_case): a tenant's use of one adapter (null = base model) over
 * one UTC hour or day. {@code engineNanos} is the engine time attributed to the tenant's requests (each step's time
 * shared by the rows each request had in it). Rows add up: a coarser view is the sum of finer rows.
 *
 * @param period        {@code hour} or {@code day} ({@link UsagePeriod#label()})
 * @param periodStart   the period's start, epoch milliseconds UTC
 * @param requests      completions counted, errors included
 * @param errors        completions with status ERROR
 */
public record UsageRow(String tenantId, String adapterId, String period, long periodStart, long requests, long errors,
                       long promptTokens, long completionTokens, long engineNanos) {

    /** One completion's contribution to its period's row. */
    public static UsageRow of(Completion c, UsagePeriod period) {
        return new UsageRow(c.getTenantId(), c.getAdapterId(), period.label(), period.start(c.getCompletedAt()).toEpochMilli(),
                1, c.getStatus() == CompletionStatus.ERROR ? 1 : 0, c.getUsage().getPromptTokens(),
                c.getUsage().getCompletionTokens(), c.getUsage().getEngineNanos());
    }

    /** This row's counts plus another's; identity fields are this row's. */
    public UsageRow plus(UsageRow o) {
        return new UsageRow(tenantId, adapterId, period, periodStart, requests + o.requests, errors + o.errors,
                promptTokens + o.promptTokens, completionTokens + o.completionTokens, engineNanos + o.engineNanos);
    }

    /** The same counts under other identity fields (how a report groups rows). */
    public UsageRow as(String newTenantId, String newAdapterId, String newPeriod, long newPeriodStart) {
        return new UsageRow(newTenantId, newAdapterId, newPeriod, newPeriodStart, requests, errors, promptTokens,
                completionTokens, engineNanos);
    }

    /**
     * The row's key in loraq.usage: {@code tenant|period|start|adapter:<id>} or {@code ...|base}. Tenant ids and periods
     * hold no {@code |} and the adapter part comes last, so keys never collide whatever an adapter id holds.
     */
    public String key() {
        return tenantId + '|' + period + '|' + periodStart + '|' + (adapterId == null ? "base" : "adapter:" + adapterId);
    }
}
