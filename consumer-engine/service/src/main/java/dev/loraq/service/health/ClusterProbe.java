package dev.loraq.service.health;

import dev.loraq.schemas.health.Reachability;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Kafka cluster to describe itself every interval, on its own thread: the consumer neither logs nor throws
 * while the brokers are away (it just returns empty polls), and the owner thread may itself be blocked in a commit, so
 * only a separate probe can say promptly that the cluster is gone, and when it is back.
 */
public final class ClusterProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterProbe.class);

    private final Admin admin;
    private final int timeoutMs;
    private final Reachability reachability;
    private final ScheduledExecutorService executor;

    public ClusterProbe(Admin admin, String bootstrapServers, long intervalMs) {
        this.admin = admin;
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1000, intervalMs));
        this.reachability = new Reachability("kafka cluster", bootstrapServers, LOG);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loraq-cluster-probe");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::probe, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
                    .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS).size();
            if (nodes == 0) {
                reachability.unreachable("the cluster reports no brokers");
            } else {
                reachability.reachable();
            }
        } catch (ExecutionException e) {
            reachability.unreachable(e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (TimeoutException e) {
            reachability.unreachable("no answer within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reachability.unreachable(e.toString());
        }
    }

    public boolean isReachable() {
        return reachability.isReachable();
    }

    public long unreachableForMs() {
        return reachability.unreachableForMs();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
