package dev.loraq.tools.topics;

import java.util.regex.Pattern;

/** Names of the pipeline's topics, shared with the consumer engine. */
public final class PipelineTopics {

    /** PromptRequest records, keyed by adapter id (null key for the base model). */
    public static final String PROMPTS = "loraq.prompts";
    /** JobManifest records, keyed by job id; compacted. */
    public static final String JOBS = "loraq.jobs";
    /** JobProgress JSON, keyed by job id; compacted; written by the job-progress service. */
    public static final String JOB_PROGRESS = "loraq.job-progress";
    /** DeadLetter records of the consumer engine. */
    public static final String DLQ = "loraq.dlq";
    /** Prefix of the per-tenant Completion topics. */
    public static final String COMPLETIONS_PREFIX = "loraq.completions.";
    /** Every tenant's completion topic. */
    public static final Pattern ALL_COMPLETIONS = Pattern.compile(Pattern.quote(COMPLETIONS_PREFIX) + "[A-Za-z0-9._-]+");

    private PipelineTopics() {
    }

    /** The tenant's completion topic. */
    public static String completions(String tenantId) {
        return COMPLETIONS_PREFIX + tenantId;
    }
}
