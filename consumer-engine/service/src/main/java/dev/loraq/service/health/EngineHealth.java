package dev.loraq.service.health;

import dev.loraq.service.consumer.ConsumerLoop;

/**
 * The rules behind {@code /health} (liveness: restart me) and {@code /ready} (route work to me). Each check returns
 * null when it passes, otherwise the reason, which the endpoint prints.
 */
public final class EngineHealth {

    private final ConsumerLoop loop;
    private final ClusterProbe cluster;
    private final long stallTimeoutMs;

    public EngineHealth(ConsumerLoop loop, ClusterProbe cluster, long stallTimeoutMs) {
        this.loop = loop;
        this.cluster = cluster;
        this.stallTimeoutMs = stallTimeoutMs;
    }

    /** Null while the engine is alive: its loop runs and commits succeed at least every stall timeout while work waits. */
    public String livenessProblem() {
        if (!loop.isHealthy()) {
            return loop.failure() != null ? "consumer loop failed: " + loop.failure() : "consumer loop stopped";
        }
        long stalled = loop.stalledForMs();
        if (stalled > stallTimeoutMs) {
            return "no commit succeeded for " + stalled + " ms with work pending (health.stall.timeout.ms=" + stallTimeoutMs + ")";
        }
        return null;
    }

    /** Null while the engine can take work: in the group, the cluster answering and its last commit not failed. */
    public String readinessProblem() {
        String live = livenessProblem();
        if (live != null) {
            return live;
        }
        if (!loop.isReady()) {
            return "not (yet) a member of the consumer group, or stopping";
        }
        if (cluster != null && !cluster.isReachable()) {
            return "kafka cluster unreachable for " + cluster.unreachableForMs() + " ms";
        }
        if (loop.isCommitFailing()) {
            return "the last commit failed";
        }
        return null;
    }
}
