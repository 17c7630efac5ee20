package dev.loraq.tools.format;

/** Format of a job file's lines. */
public enum InputFormat {
    /** Decided by the first line that is a JSON object: {@code custom_id} means OPENAI, anything else LORAQ. */
    AUTO,
    /** loraq's own request lines (docs/job-format.md). */
    LORAQ,
    /** OpenAI Batch API input lines. */
    OPENAI
}
