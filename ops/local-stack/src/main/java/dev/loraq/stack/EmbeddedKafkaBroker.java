package dev.loraq.stack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one server) running in this JVM.
 * Replication factors are 1 everywhere, so transactions and consumer groups work on the one node.
 * By default clients connect over PLAINTEXT without authentication; with {@link BrokerSecurity#saslPlain} they log in
 * with SASL/PLAIN and need ACLs ({@link #clientProperties(String)} gives a user's client settings).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final DataDirectory dataDirectory;
    private final int requestedPort;
    private final BrokerSecurity security;
    private KafkaRaftServer server;
    private String bootstrapServers;
    private boolean closed;

    /**
     * @param dataDir folder for the log segments (kept on close); empty: a temporary folder deleted on close
     * @param port    client port on 127.0.0.1; 0 picks a free one
     */
    public EmbeddedKafkaBroker(Optional<Path> dataDir, int port) {
        this(dataDir, port, BrokerSecurity.none());
    }

    /**
     * @param dataDir  folder for the log segments (kept on close); empty: a temporary folder deleted on close
     * @param port     client port on 127.0.0.1; 0 picks a free one
     * @param security PLAINTEXT, or SASL/PLAIN with the StandardAuthorizer
     */
    public EmbeddedKafkaBroker(Optional<Path> dataDir, int port, BrokerSecurity security) {
        this.security = java.util.Objects.requireNonNull(security, "security");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("kafka port must be 0..65535, was " + port);
        }
        this.dataDirectory = DataDirectory.chosenOrTemporary(dataDir, "loraq-kafka-");
        this.requestedPort = port;
    }

    /** A broker on a free port with temporary data. */
    public static EmbeddedKafkaBroker onFreePort() {
        return new EmbeddedKafkaBroker(Optional.empty(), 0);
    }

    /** A SASL/PLAIN broker with the authorizer on, on a free port with temporary data. */
    public static EmbeddedKafkaBroker onFreePort(BrokerSecurity security) {
        return new EmbeddedKafkaBroker(Optional.empty(), 0, security);
    }

    /** Formats the storage (first start only) and starts the server; returns once a client sees the broker. */
    public synchronized void start() {
        if (server != null || closed) {
            throw new IllegalStateException("broker already started or closed");
        }
        long startNanos = System.nanoTime();
        int brokerPort = LoopbackPorts.orFree(requestedPort);
        int controllerPort = LoopbackPorts.free();
        String logDir = dataDirectory.resolve("kafka-logs").toString();
        // The client listener is named after its protocol, as Kafka's default listener names are.
        String brokerListener = security.securityProtocol();
        Properties properties = brokerProperties(brokerListener, brokerPort, controllerPort, logDir);
        security.applyTo(properties, brokerListener, CONTROLLER_LISTENER);
        KafkaConfig config = new KafkaConfig(properties, false);
        format(logDir);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
            bootstrapServers = "127.0.0.1:" + brokerPort;
            awaitBrokerVisible();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("kafka broker failed to start on 127.0.0.1:" + brokerPort
                    + " with data in " + logDir, e);
        }
        LOG.info("kafka broker ready bootstrap.servers={} securityProtocol={} controllerPort={} dataDir={} startupMs={}",
                bootstrapServers, security.securityProtocol(), controllerPort, logDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** {@code 127.0.0.1:PORT}; only after {@link #start()}. */
    public synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("broker not started");
        }
        return bootstrapServers;
    }

    public BrokerSecurity security() {
        return security;
    }

    /**
     * Settings a client of this broker needs besides {@code bootstrap.servers}: empty for PLAINTEXT, else the
     * SASL settings of {@code user}.
     */
    public Map<String, Object> clientProperties(String user) {
        return security.enabled() ? security.clientProperties(user) : Map.of();
    }

    /** Client settings with full rights: the super user's under SASL, none under PLAINTEXT. */
    public Map<String, Object> superUserClientProperties() {
        return security.superUserClientProperties();
    }

    public Path dataDir() {
        return dataDirectory.path();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startNanos = System.nanoTime();
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                server = null;
            }
        }
        dataDirectory.release();
        LOG.info("kafka broker stopped bootstrap.servers={} shutdownMs={}", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private static Properties brokerProperties(String brokerListener, int brokerPort, int controllerPort, String logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // Static quorum: the voter endpoint comes from config on every start, so a new controller port is fine.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", brokerListener + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", brokerListener + "://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", brokerListener);
        p.put("log.dirs", logDir);
        p.put("metadata.log.dir", logDir);
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        // Fewer internal partitions and threads: the first group/transaction creates these topics, and the
        // machines have 2 cores.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        // The default 128 MiB compaction buffer is allocated at startup; the internal topics need far less.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return p;
    }

    private static void format(String logDir) {
        if (Files.exists(Path.of(logDir, "meta.properties"))) {
            // Formatted by an earlier start on this chosen folder: keep its cluster id and topics.
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(logDir)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format kafka storage in " + logDir, e);
        }
    }

    private void awaitBrokerVisible() {
        Map<String, Object> adminConfig = new java.util.HashMap<>(security.superUserClientProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(adminConfig)) {
            var nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.stream().map(Node::id).noneMatch(id -> id == NODE_ID)) {
                throw new IllegalStateException("broker " + NODE_ID + " missing from cluster nodes " + nodes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker at " + bootstrapServers, e);
        } catch (Exception e) {
            throw new IllegalStateException("broker at " + bootstrapServers + " not visible to clients within "
                    + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }
}
