package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;

/**
 * Running counts of one job's completions, the aggregate the progress topology keeps per job id.
 *
 * @param firstCompletionAt epoch milliseconds, 0 before the first completion
 */
public record CompletionTally(String tenantId, long completed, long failed, long promptTokens, long completionTokens,
                              long firstCompletionAt, long lastCompletionAt) {

    public static CompletionTally empty() {
        return new CompletionTally(null, 0, 0, 0, 0, 0, 0);
    }

    public CompletionTally add(Completion c) {
        boolean ok = c.getStatus() == CompletionStatus.OK;
        long at = c.getCompletedAt().toEpochMilli();
        return new CompletionTally(c.getTenantId(), completed + (ok ? 1 : 0), failed + (ok ? 0 : 1),
                promptTokens + c.getUsage().getPromptTokens(), completionTokens + c.getUsage().getCompletionTokens(),
                firstCompletionAt == 0 ? at : Math.min(firstCompletionAt, at), Math.max(lastCompletionAt, at));
    }
}
