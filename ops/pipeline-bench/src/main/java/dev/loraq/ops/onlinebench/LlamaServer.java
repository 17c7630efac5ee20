package dev.loraq.ops.onlinebench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp's {@code llama-server} as the peer, in the chroot that ../shared/tools/llamacpp-peer.sh sets up:
 * {@code chroot ROOT llama-server -m MODEL --host 127.0.0.1 --port PORT -t THREADS -np SLOTS -c CONTEXT}, started on
 * a free port and ready once {@code /health} answers 200. Its output goes to a log file; closing it stops the process.
 */
final class LlamaServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaServer.class);

    private final Process process;
    private final int port;

    private LlamaServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @throws IllegalStateException when the chroot or the model is missing, or the server is not ready in 3 minutes
     */
    static LlamaServer start(Path root, String model, int threads, int slots, int context, Path log)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(root.resolve("usr/bin/llama-server"))) {
            throw new IllegalStateException("no llama-server under " + root + " (--peer-root): run "
                    + "../shared/tools/llamacpp-peer.sh first, or give --skip-peer");
        }
        if (!Files.isRegularFile(root.resolve(model.replaceFirst("^/", "")))) {
            throw new IllegalStateException("no peer model " + model + " inside " + root + " (--peer-model)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process process = new ProcessBuilder(List.of("chroot", root.toString(), "llama-server", "-m", model,
                "--host", "127.0.0.1", "--port", Integer.toString(port), "-t", Integer.toString(threads),
                "-np", Integer.toString(slots), "-c", Integer.toString(context)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LlamaServer server = new LlamaServer(process, port);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest health = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("llama-server exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException("llama-server not ready within 3 minutes; see " + log);
                }
                Thread.sleep(200);
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        LOG.info("llama-server ready pid={} port={} model={}", process.pid(), port, model);
        return server;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LOG.info("llama-server stopped pid={}", process.pid());
    }
}
