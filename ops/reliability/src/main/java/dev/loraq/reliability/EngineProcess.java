package dev.loraq.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code loraq-engine run} in a process of its own, with its metrics port, so it can be killed and scraped. */
final class EngineProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String workerId;
    final Path log;
    final int metricsPort;
    final long startedAtMillis;
    private final Process process;

    private EngineProcess(String workerId, Path log, int metricsPort, Process process) {
        this.workerId = workerId;
        this.log = log;
        this.metricsPort = metricsPort;
        this.startedAtMillis = System.currentTimeMillis();
        this.process = process;
    }

    static EngineProcess start(Workload workload, String workerId, String heap, Map<String, String> extra) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, String> settings = new LinkedHashMap<>(workload.engineSettings());
        settings.put("worker.id", workerId);
        settings.put("metrics.port", Integer.toString(port));
        settings.putAll(extra);
        // The launcher operators run, so its JVM flags, LORAQ_HEAP and exit codes are what is measured.
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "run"));
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        Path log = workload.dir().resolve("engine-" + workerId + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("LORAQ_HEAP", heap);
        builder.environment().put("LORAQ_LOG_LEVEL", "INFO");
        return new EngineProcess(workerId, log, port, builder.start());
    }

    /** bin/loraq-engine of the checkout this runs from (the working folder or one above it). */
    private static Path launcher() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin").resolve("loraq-engine");
            if (java.nio.file.Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("bin/loraq-engine not found above " + Path.of("").toAbsolutePath());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    void kill() throws InterruptedException {
        ChildJvm.kill(process);
    }

    /** SIGTERM; the exit status. */
    int stop() throws InterruptedException {
        return ChildJvm.stop(process, 90);
    }

    /** Whether /ready answers 200 (false when it answers 503 or not at all). */
    boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A counter or gauge summed over its series from /metrics; NaN when the endpoint does not answer. */
    double metric(String name) {
        return metric(name, "");
    }

    /** The same over the series whose labels contain {@code labels} (e.g. {@code area="heap"}). */
    double metric(String name, String labels) {
        try {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$").matcher(text);
            double sum = 0;
            boolean found = false;
            while (m.find()) {
                if (m.group(1) != null ? !m.group(1).contains(labels) : !labels.isEmpty()) {
                    continue;
                }
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
            return found ? sum : 0;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** Resident memory of the process from /proc, in bytes; -1 where there is no /proc. */
    long rssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
