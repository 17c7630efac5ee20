package dev.loraq.tools.cli;

import dev.loraq.tools.kafka.PipelineException;

/** Exit codes of the loraq commands (documented in docs/producer-tools.md). */
public final class ExitCodes {

    public static final int OK = 0;
    /** The job file (or another input) is invalid; nothing was published. */
    public static final int INVALID_INPUT = 1;
    /** Bad command-line usage (picocli's own code). */
    public static final int USAGE = 2;
    /** Broker or registry unreachable, or a topic missing. */
    public static final int UNAVAILABLE = 3;
    /** collect or watch stopped at the timeout before the job was complete. */
    public static final int INCOMPLETE = 4;
    /** collect found more than one completion for a request (an exactly-once violation). */
    public static final int DUPLICATES = 5;
    /** The job does not exist, or its id is taken, or (cancel) it has already finished. */
    public static final int JOB = 6;
    /** Anything else (an I/O error, a failed publish). */
    public static final int FAILED = 7;
    /** Authentication failed, or the principal lacks an ACL (the message names the operation and resource). */
    public static final int NOT_AUTHORIZED = 8;

    private ExitCodes() {
    }

    static int of(PipelineException e) {
        return switch (e.kind()) {
            case BROKER_UNAVAILABLE, REGISTRY_UNAVAILABLE, TOPIC_MISSING -> UNAVAILABLE;
            case JOB_EXISTS, JOB_NOT_FOUND, JOB_FINISHED -> JOB;
            case PUBLISH_FAILED -> FAILED;
            case NOT_AUTHORIZED -> NOT_AUTHORIZED;
        };
    }
}
