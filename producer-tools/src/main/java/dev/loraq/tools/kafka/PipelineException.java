package dev.loraq.tools.kafka;

/** A command could not do its work against the pipeline; the message says what to check. */
public final class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so a command can choose its exit code. */
    public enum Kind {
        BROKER_UNAVAILABLE, REGISTRY_UNAVAILABLE, TOPIC_MISSING, JOB_EXISTS, JOB_NOT_FOUND, PUBLISH_FAILED,
        /** The job has ended (completed, failed, expired or cancelled): it cannot be cancelled any more. */
        JOB_FINISHED,
        /** Authentication failed, or the principal lacks an ACL for what the command does. */
        NOT_AUTHORIZED
    }

    private final Kind kind;

    public PipelineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public PipelineException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
