package dev.loraq.reliability;

import dev.loraq.stack.ApicurioDistribution;
import dev.loraq.stack.LocalStackConfig;
import dev.loraq.stack.SchemaRegistryProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The stack a scenario runs on: the schema registry (Apicurio, a child JVM that stays up) and the Kafka broker in a
 * process of its own ({@link BrokerMain}) on a fixed port and data folder, so it can be killed and started again.
 */
final class Cluster implements AutoCloseable {

    private final Path dir;
    private final int brokerPort;
    private final SchemaRegistryProcess registry;
    private Process broker;
    private int starts;

    Cluster(Path dir) throws IOException {
        this.dir = dir;
        this.brokerPort = freePort();
        LocalStackConfig defaults = LocalStackConfig.defaults();
        ApicurioDistribution distribution = ApicurioDistribution.prepare(defaults.apicurioArchive(), defaults.cacheDir());
        this.registry = new SchemaRegistryProcess(distribution, Optional.of(dir.resolve("registry")), 0, defaults.registryHeapMb(),
                defaults.registryStartupTimeout());
        registry.start();
        startBroker();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    String registryUrl() {
        return registry.registryUrl();
    }

    /** Starts the broker on its port and data folder; returns once it answers. */
    void startBroker() {
        Path log = dir.resolve("broker.log");
        broker = ChildJvm.start("1g", BrokerMain.class.getName(), List.of(dir.resolve("kafka").toString(), Integer.toString(brokerPort)), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readString(log).lines().filter(l -> l.startsWith("ready ")).count() > starts) {
                    starts++;
                    return;
                }
                if (!broker.isAlive()) {
                    throw new IllegalStateException("broker exited with " + broker.exitValue() + "; see " + log);
                }
                Thread.sleep(100);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + log, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("broker not ready within 90 s; see " + log);
    }

    /** Stops the broker: gracefully (SIGTERM, waits for it) or hard (SIGKILL). */
    void stopBroker(boolean hard) throws InterruptedException {
        if (hard) {
            ChildJvm.kill(broker);
        } else {
            ChildJvm.stop(broker, 60);
        }
    }

    Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
    }

    void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (broker != null && broker.isAlive()) {
            ChildJvm.stop(broker, 30);
        }
        registry.close();
    }
}
