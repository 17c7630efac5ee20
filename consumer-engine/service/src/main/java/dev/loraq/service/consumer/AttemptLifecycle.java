package dev.loraq.service.consumer;

import dev.loraq.schemas.contract.LifecycleErrorCode;

/**
 * One engine attempt's place in its job's lifecycle: whether its generation has begun (its first token, reported
 * from an engine delivery thread), and why the loop stopped it, if it did (its job was cancelled, or its deadline
 * passed before generation began). The stop reason is the consumer thread's alone.
 */
final class AttemptLifecycle {

    private volatile boolean generating;
    private LifecycleErrorCode stoppedFor;

    /** The engine generated the attempt's first token. Any thread. */
    void generationBegan() {
        generating = true;
    }

    boolean generating() {
        return generating;
    }

    /** The loop cancelled the attempt in the engine for this reason; its CANCELLED result completes it so. */
    void stopFor(LifecycleErrorCode reason) {
        stoppedFor = reason;
    }

    /** Why the loop stopped the attempt, or null when it did not. */
    LifecycleErrorCode stoppedFor() {
        return stoppedFor;
    }
}
