package dev.loraq.stack.container;

import dev.loraq.stack.LocalStack;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * The stack in Docker containers (apache/kafka and apicurio/apicurio-registry), for machines with a Docker engine.
 * Needs org.testcontainers:kafka on the classpath (an optional dependency of this module).
 * Not exercised on the project's build machines, which have no Docker engine.
 */
public final class ContainerLocalStack implements LocalStack {

    public static final String KAFKA_IMAGE = "apache/kafka:4.4.0";
    public static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:3.3.3";
    private static final int REGISTRY_PORT = 8080;

    private final Network network;
    private final KafkaContainer kafka;
    private final GenericContainer<?> registry;
    private boolean closed;

    private ContainerLocalStack(Network network, KafkaContainer kafka, GenericContainer<?> registry) {
        this.network = network;
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts both containers in parallel; fails with a clear message when no Docker engine answers. */
    public static ContainerLocalStack start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("loraq.test.stack=testcontainers needs a Docker engine, and none answers "
                    + "on this machine (DOCKER_HOST / /var/run/docker.sock). Use loraq.test.stack=embedded.");
        }
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                .withNetwork(network)
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
                .withNetwork(network)
                .withExposedPorts(REGISTRY_PORT)
                .withEnv("APICURIO_RULES_GLOBAL_COMPATIBILITY", "BACKWARD")
                .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200)
                        .withStartupTimeout(Duration.ofSeconds(120)));
        try {
            Startables.deepStart(kafka, registry).join();
        } catch (RuntimeException e) {
            registry.stop();
            kafka.stop();
            network.close();
            throw new IllegalStateException("containers " + KAFKA_IMAGE + " and " + REGISTRY_IMAGE + " failed to start", e);
        }
        return new ContainerLocalStack(network, kafka, registry);
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String registryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_PORT) + "/apis/ccompat/v7";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            registry.stop();
            kafka.stop();
        } finally {
            network.close();
        }
    }
}
