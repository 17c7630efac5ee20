package dev.loraq.service.output;

import java.util.List;
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

    private final Admin admin;
    private final boolean autoCreate;
    private final int partitions;
    private final short replicationFactor;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public TopicProvisioner(Admin admin, boolean autoCreate, int partitions, short replicationFactor) {
        this.admin = admin;
        this.autoCreate = autoCreate;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** False only when auto-creation is off and the topic is missing. */
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
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return false;
                }
                throw e;
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

    @Override
    public void close() {
        admin.close();
    }
}
