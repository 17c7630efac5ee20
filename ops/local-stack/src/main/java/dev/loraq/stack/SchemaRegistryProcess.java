package dev.loraq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (in-memory storage) as a child JVM on 127.0.0.1, serving the Confluent-compatible API.
 * The global compatibility rule is BACKWARD, as in Confluent's registry (Apicurio's own default is none).
 * A JVM shutdown hook destroys the child so that no registry outlives the JVM that started it.
 */
public final class SchemaRegistryProcess implements AutoCloseable {

    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryProcess.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;

    private final ApicurioDistribution distribution;
    private final DataDirectory dataDirectory;
    private final int requestedPort;
    private final int heapMb;
    private final Duration startupTimeout;
    private Process process;
    private Thread shutdownHook;
    private int port;
    private Path logFile;
    private boolean closed;

    /**
     * @param distribution   the unpacked registry
     * @param dataDir        folder for the registry log (kept); empty: a temporary folder deleted on close
     * @param port           HTTP port on 127.0.0.1; 0 picks a free one
     * @param heapMb         -Xmx of the child JVM in MiB
     * @param startupTimeout how long {@link #start()} waits for the API to answer
     */
    public SchemaRegistryProcess(ApicurioDistribution distribution, Optional<Path> dataDir, int port, int heapMb,
                                 Duration startupTimeout) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("registry port must be 0..65535, was " + port);
        }
        this.distribution = distribution;
        this.dataDirectory = DataDirectory.chosenOrTemporary(dataDir, "loraq-registry-");
        this.requestedPort = port;
        this.heapMb = heapMb;
        this.startupTimeout = startupTimeout;
    }

    /** Starts the child JVM and returns once {@code GET /apis/ccompat/v7/subjects} answers 200. */
    public synchronized void start() {
        if (process != null || closed) {
            throw new IllegalStateException("registry already started or closed");
        }
        long startNanos = System.nanoTime();
        port = LoopbackPorts.orFree(requestedPort);
        int managementPort = LoopbackPorts.free();
        logFile = dataDirectory.path().resolve("apicurio-registry.log");
        List<String> command = command(managementPort);
        try {
            process = new ProcessBuilder(command)
                    .directory(dataDirectory.path().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry: " + String.join(" ", command), e);
        }
        shutdownHook = new Thread(this::destroyProcess, "schema-registry-reaper-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady();
        } catch (RuntimeException e) {
            String tail = logTail();
            destroyProcess();
            throw new IllegalStateException(e.getMessage() + "; registry log " + logFile + " ends with:\n" + tail, e);
        }
        LOG.info("schema registry ready url={} pid={} managementPort={} log={} startupMs={}", registryUrl(),
                process.pid(), managementPort, logFile, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** {@code http://127.0.0.1:PORT/apis/ccompat/v7}; only after {@link #start()}. */
    public synchronized String registryUrl() {
        if (process == null) {
            throw new IllegalStateException("registry not started");
        }
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    /** The child JVM's process id (for checks that it is gone after close). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("registry not started");
        }
        return process.pid();
    }

    public synchronized Path logFile() {
        return logFile;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        destroyProcess();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook runs anyway and finds the process gone.
            }
        }
        dataDirectory.release();
    }

    private List<String> command(int managementPort) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heapMb + "m");
        // Startup time matters more than peak throughput for a test registry: C1 only, one GC thread.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xss512k");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.host=127.0.0.1");
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dquarkus.http.access-log.enabled=false");
        command.add("-Dquarkus.otel.sdk.disabled=true");
        command.add("-Dapicurio.storage.kind=sql");
        command.add("-Dapicurio.storage.sql.kind=h2");
        command.add("-Dapicurio.rules.global.compatibility=BACKWARD");
        command.add("-jar");
        command.add(distribution.runJar().toString());
        return command;
    }

    private void awaitReady() {
        URI probe = URI.create(registryUrl() + "/subjects");
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).GET().build();
            String lastAnswer = "no answer";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("schema registry exited with code " + process.exitValue()
                            + " before answering " + probe);
                }
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    lastAnswer = "HTTP " + response.statusCode() + " " + response.body();
                } catch (ConnectException notListeningYet) {
                    lastAnswer = "connection refused";
                } catch (IOException e) {
                    lastAnswer = e.toString();
                }
                Thread.sleep(POLL_INTERVAL);
            }
            throw new IllegalStateException("schema registry did not answer 200 at " + probe + " within "
                    + startupTimeout.toSeconds() + " s (last: " + lastAnswer + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry at " + probe, e);
        }
    }

    private void destroyProcess() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long startNanos = System.nanoTime();
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("schema registry pid={} ignored SIGTERM for {} s, killing it", p.pid(), STOP_TIMEOUT.toSeconds());
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LOG.info("schema registry stopped pid={} shutdownMs={}", p.pid(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private String logTail() {
        try {
            if (logFile == null || !Files.exists(logFile)) {
                return "(no log written)";
            }
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read log: " + e + ")";
        }
    }
}
