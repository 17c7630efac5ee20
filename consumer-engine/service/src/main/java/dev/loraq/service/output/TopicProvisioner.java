package dev.loraq.service.output;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure output topics exist before anything is written to them: creates them (configured partitions and
 * replication) when auto-creation is on, otherwise only checks. Known topics are cached, so the steady state makes no
 * admin call. Topics are never created implicitly by the producer.
 */
public final class TopicProvisioner implements OutputTopics, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_MS = 30_000;
    /**
     * How long the cluster must keep saying it does not know a topic before the topic counts as missing: a broker that
     * has not yet seen a just-created topic's metadata answers exactly as if it did not exist.
     */
    static final long MISSING_AFTER_MS = 2_000;

    private final Admin admin;
    private final boolean autoCreate;
    private final int partitions;
    private final short replicationFactor;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Topics the cluster said it did not know, since when ({@code System.nanoTime()}). */
    private final Map<String, Long> unknownSince = new ConcurrentHashMap<>();

    public TopicProvisioner(Admin admin, boolean autoCreate, int partitions, short replicationFactor) {
        this.admin = admin;
        this.autoCreate = autoCreate;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /**
     * False only when auto-creation is off and the topic is missing: unknown to the cluster for
     * {@link #MISSING_AFTER_MS}. Until then a topic it does not know throws {@link TopicNotKnownYetException}, so the
     * transaction is postponed and what is to be written to it waits, rather than being set aside as a dead letter.
     */
    @Override
    public boolean ensure(String topic) {
        if (known.contains(topic)) {
            return true;
        }
        try {
            if (autoCreate) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    LOG.info("topic created topic={} partitions={} replicationFactor={}", topic, partitions, replicationFactor);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                known.add(topic);
                return true;
            }
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                known.add(topic);
                unknownSince.remove(topic);
                return true;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                long now = System.nanoTime();
                long since = unknownSince.computeIfAbsent(topic, t -> now);
                if (now - since >= TimeUnit.MILLISECONDS.toNanos(MISSING_AFTER_MS)) {
                    return false;
                }
                throw new TopicNotKnownYetException("topic " + topic + " is not known to the cluster yet; what is written to it waits up to "
                        + MISSING_AFTER_MS + " ms before it counts as missing", e.getCause());
            }
        } catch (ExecutionException e) {
            throw new KafkaException("Cannot make sure topic " + topic + " exists: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out after " + TIMEOUT_MS + " ms making sure topic " + topic + " exists", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted making sure topic " + topic + " exists", e);
        }
    }

    /** {@link #ensure}, waiting out the window in which the cluster may not know a topic yet: for the checks at start. */
    public boolean ensureWaiting(String topic) {
        while (true) {
            try {
                return ensure(topic);
            } catch (TopicNotKnownYetException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("Interrupted making sure topic " + topic + " exists", interrupted);
                }
            }
        }
    }

    /** The cluster does not know the topic, for less than {@link #MISSING_AFTER_MS} so far. */
    public static final class TopicNotKnownYetException extends KafkaException {
        TopicNotKnownYetException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
