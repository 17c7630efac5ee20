package dev.loraq.tools.kafka;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/** Checks, before a command does anything, that the brokers answer and that the topics it needs exist. */
public final class BrokerProbe {

    private BrokerProbe() {
    }

    /** The number of brokers; a {@link PipelineException} when none answers within the timeout. */
    public static int requireReachable(Admin admin, String bootstrapServers, int timeoutMs) {
        try {
            return admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(bootstrapServers, timeoutMs, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(bootstrapServers, timeoutMs, e);
        }
    }

    /** Fails naming every missing topic and how to create them. */
    public static void requireTopics(Admin admin, String bootstrapServers, int timeoutMs, Collection<String> topics) {
        Set<String> existing;
        try {
            existing = admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs)).names().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(bootstrapServers, timeoutMs, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(bootstrapServers, timeoutMs, e);
        }
        Set<String> missing = new TreeSet<>(topics);
        missing.removeAll(existing);
        requireDescribable(admin, bootstrapServers, timeoutMs, missing);
        if (!missing.isEmpty()) {
            throw new PipelineException(PipelineException.Kind.TOPIC_MISSING, "topic(s) " + String.join(", ", missing)
                    + " do not exist on " + bootstrapServers + "; create them with: loraq topics --create");
        }
    }

    /**
     * A topic the principal may not DESCRIBE is left out of listTopics, as if it did not exist; asking for it by name
     * tells the two apart, so the error says "not authorized" instead of "create the topic".
     */
    private static void requireDescribable(Admin admin, String bootstrapServers, int timeoutMs, Set<String> unlisted) {
        if (unlisted.isEmpty()) {
            return;
        }
        Set<String> refused = new TreeSet<>();
        TopicAuthorizationException first = null;
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> topic
                : admin.describeTopics(unlisted).topicNameValues().entrySet()) {
            try {
                topic.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException denied) {
                    refused.add(topic.getKey());
                    first = first == null ? denied : first;
                }
            } catch (TimeoutException e) {
                throw unreachable(bootstrapServers, timeoutMs, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(bootstrapServers, timeoutMs, e);
            }
        }
        if (!refused.isEmpty()) {
            throw AccessDenied.of(new TopicAuthorizationException(first.getMessage(), refused), bootstrapServers,
                    AclOperation.DESCRIBE, "topic " + String.join(", ", refused));
        }
    }

    /** An Admin client that gives up after the timeout. */
    public static Admin admin(Map<String, Object> clientConfig) {
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.keySet().retainAll(AdminClientConfig.configNames());
        return Admin.create(config);
    }

    static PipelineException unreachable(String bootstrapServers, int timeoutMs, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "Kafka broker(s) at " + bootstrapServers
                + " did not answer within " + timeoutMs + " ms (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "); check --bootstrap-servers / $LORAQ_BOOTSTRAP_SERVERS", cause);
    }
}
