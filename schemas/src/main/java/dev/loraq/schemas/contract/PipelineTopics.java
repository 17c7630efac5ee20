package dev.loraq.schemas.contract;

/**
 * Default names of the pipeline's topics. The service can be configured to other names ({@code input.topic},
 * {@code output.topic.pattern}, {@code dlq.topic}, {@code job.control.topic}); these are what both sides use when nothing says otherwise.
 */
public final class PipelineTopics {

    /** PromptRequest records, keyed by adapter id (null key for the base model). */
    public static final String PROMPTS = "loraq.prompts";
    /** JobManifest records, keyed by job id; compacted. */
    public static final String JOBS = "loraq.jobs";
    /** JobProgress JSON, keyed by job id; compacted; written by the job-progress service. */
    public static final String JOB_PROGRESS = "loraq.job-progress";
    /** Usage JSON per tenant, adapter and hour or day, keyed by that row; compacted; written by the usage service. */
    public static final String USAGE = "loraq.usage";

    /**
     * JobControl records (cancellations), keyed by job id; compacted, and deleted after the prompts' retention, when
     * no request of the job can be read any more. Written by the tools, read from the beginning by every engine.
     */
    public static final String JOB_CONTROL = "loraq.job-control";
    /**
     * Files of the OpenAI Batch HTTP API (loraq batch-api), keyed by file id (a file's metadata) and file id plus
     * chunk number (its content, in chunks below the broker's message size); compacted, a file's records in one partition.
     */
    public static final String BATCH_FILES = "loraq.batch-files";
    /** DeadLetter records of the consumer engine. */
    public static final String DLQ = "loraq.dlq";
    /** Prefix of the per-tenant Completion topics under the default {@link OutputTopicPattern}. */
    public static final String COMPLETIONS_PREFIX = "loraq.completions.";

    private PipelineTopics() {
    }
}
