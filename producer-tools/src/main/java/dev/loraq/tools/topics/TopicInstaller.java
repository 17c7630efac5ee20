package dev.loraq.tools.topics;

import dev.loraq.tools.kafka.PipelineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates missing pipeline topics and describes existing ones. Existing topics are never changed: differences from
 * the recommendation are reported, so running it twice changes nothing.
 */
public final class TopicInstaller {

    /** What the installer found or did for one topic. */
    public record TopicState(String name, boolean created, boolean exists, int partitions, int replicationFactor,
                             Map<String, String> configs, List<String> differences) {

        public String describe() {
            StringBuilder text = new StringBuilder();
            text.append(name).append(": ").append(created ? "created" : exists ? "exists" : "missing");
            if (exists || created) {
                text.append(", partitions=").append(partitions).append(", replication.factor=").append(replicationFactor);
                configs.forEach((k, v) -> text.append(", ").append(k).append('=').append(v));
            }
            for (String difference : differences) {
                text.append(System.lineSeparator()).append("  differs from recommended: ").append(difference);
            }
            return text.toString();
        }
    }

    private static final long RETRY_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Set<String> SHOWN_CONFIGS = Set.of("cleanup.policy", "retention.ms", "min.insync.replicas", "segment.ms");

    private final Admin admin;
    private final int timeoutMs;

    public TopicInstaller(Admin admin, int timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** @param create whether to create the missing topics; false only describes */
    public List<TopicState> apply(List<TopicSpec> specs, boolean create) {
        Set<String> existing = await(() -> admin.listTopics().names(), false);
        List<String> created = new ArrayList<>();
        if (create) {
            List<NewTopic> missing = specs.stream().filter(s -> !existing.contains(s.name()))
                    .map(s -> new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.configs())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).values().forEach((name, future) -> {
                    try {
                        future.get(timeoutMs, TimeUnit.MILLISECONDS);
                        created.add(name);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new PipelineException(PipelineException.Kind.PUBLISH_FAILED, "cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                        }
                    } catch (TimeoutException | InterruptedException e) {
                        throw timeout(e);
                    }
                });
            }
        }
        List<String> present = specs.stream().map(TopicSpec::name).filter(n -> existing.contains(n) || created.contains(n)).toList();
        // A topic just created can be unknown to the answering broker's metadata for a moment: retry until the timeout.
        Map<String, TopicDescription> descriptions = present.isEmpty() ? Map.of()
                : await(() -> admin.describeTopics(present).allTopicNames(), true);
        Map<ConfigResource, Config> configs = present.isEmpty() ? Map.of() : await(() -> admin.describeConfigs(
                present.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all(), true);
        List<TopicState> states = new ArrayList<>();
        for (TopicSpec spec : specs) {
            TopicDescription description = descriptions.get(spec.name());
            if (description == null) {
                states.add(new TopicState(spec.name(), false, false, 0, 0, Map.of(), List.of()));
                continue;
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            Map<String, String> shown = config.entries().stream().filter(e -> SHOWN_CONFIGS.contains(e.name()))
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value, (a, b) -> a, java.util.TreeMap::new));
            int partitions = description.partitions().size();
            int replication = description.partitions().getFirst().replicas().size();
            List<String> differences = new ArrayList<>();
            if (partitions != spec.partitions()) {
                differences.add("partitions " + partitions + " (recommended " + spec.partitions() + ")");
            }
            if (replication != spec.replicationFactor()) {
                differences.add("replication.factor " + replication + " (recommended " + spec.replicationFactor() + ")");
            }
            spec.configs().forEach((key, value) -> {
                ConfigEntry entry = config.get(key);
                if (entry == null || !value.equals(entry.value())) {
                    differences.add(key + "=" + (entry == null ? "unset" : entry.value()) + " (recommended " + value + ")");
                }
            });
            states.add(new TopicState(spec.name(), created.contains(spec.name()), true, partitions, replication, shown, differences));
        }
        return states;
    }

    /**
     * Waits for the call's answer within the timeout; with {@code retryRetriable}, a retriable error asks again after
     * a pause until the timeout runs out.
     */
    private <T> T await(Supplier<KafkaFuture<T>> call, boolean retryRetriable) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                return call.get().get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!retryRetriable || !(e.getCause() instanceof RetriableException) || System.nanoTime() + RETRY_BACKOFF_NANOS > deadline) {
                    throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "topic administration failed: " + e.getCause().getMessage(), e.getCause());
                }
                LockSupport.parkNanos(RETRY_BACKOFF_NANOS);
            } catch (TimeoutException | InterruptedException e) {
                throw timeout(e);
            }
        }
    }

    private PipelineException timeout(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "the broker did not answer within " + timeoutMs + " ms", e);
    }
}
