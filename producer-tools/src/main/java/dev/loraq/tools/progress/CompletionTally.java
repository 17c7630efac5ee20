package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.contract.LifecycleErrorCode;

/**
 * Running counts of one job's completions, the aggregate the progress topology keeps per job id.
 *
 * @param failed every error completion, the cancelled and expired ones included
 * @param cancelled error completions with code {@code cancelled}
 * @param expired error completions with code {@code batch_expired}
 * @param firstCompletionAt epoch milliseconds, 0 before the first completion
 * @param firstExpiredAt epoch milliseconds of the first {@code batch_expired} completion, 0 before it
 */
public record CompletionTally(String tenantId, long completed, long failed, long promptTokens, long completionTokens,
                              long firstCompletionAt, long lastCompletionAt, long cancelled, long expired, long firstExpiredAt) {

    public static CompletionTally empty() {
        return new CompletionTally(null, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public CompletionTally add(Completion c) {
        boolean ok = c.getStatus() == CompletionStatus.OK;
        long at = c.getCompletedAt().toEpochMilli();
        LifecycleErrorCode lifecycle = ok || c.getError() == null ? null : LifecycleErrorCode.of(c.getError().getCode()).orElse(null);
        boolean expiredNow = lifecycle == LifecycleErrorCode.BATCH_EXPIRED;
        return new CompletionTally(c.getTenantId(), completed + (ok ? 1 : 0), failed + (ok ? 0 : 1),
                promptTokens + c.getUsage().getPromptTokens(), completionTokens + c.getUsage().getCompletionTokens(),
                earliest(firstCompletionAt, at), Math.max(lastCompletionAt, at),
                cancelled + (lifecycle == LifecycleErrorCode.CANCELLED ? 1 : 0), expired + (expiredNow ? 1 : 0),
                expiredNow ? earliest(firstExpiredAt, at) : firstExpiredAt);
    }

    private static long earliest(long current, long at) {
        return current == 0 ? at : Math.min(current, at);
    }
}
