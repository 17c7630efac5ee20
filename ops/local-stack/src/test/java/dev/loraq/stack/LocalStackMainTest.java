package dev.loraq.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackMainTest {

    @Test
    void shouldPrintAddressesAndStopCleanlyOnSigterm(@TempDir Path workDir) throws Exception {
        Path dataDir = workDir.resolve("data");
        // A file, not a pipe: Process.destroy() closes the pipes, and the shutdown output must still be readable.
        Path output = workDir.resolve("local-stack.out");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(), "--data-dir", dataDir.toString(), "--kafka-port", "0", "--registry-port", "0");
        Process main = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            String bootstrap = awaitLine(output, "bootstrap.servers=", main);
            String registryUrl = awaitLine(output, "schema.registry.url=", main);
            assertTrue(registryUrl.startsWith("http://127.0.0.1:") && registryUrl.endsWith("/apis/ccompat/v7"), registryUrl);

            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
                assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            }
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, subjects.statusCode());
            }
            List<ProcessHandle> children = main.descendants().toList();
            assertFalse(children.isEmpty(), "the registry runs as a child process");

            main.destroy(); // SIGTERM
            assertTrue(main.waitFor(60, TimeUnit.SECONDS), "main did not exit within 60 s of SIGTERM");
            awaitLine(output, "local stack stopped", main);
            for (ProcessHandle child : children) {
                child.onExit().get(20, TimeUnit.SECONDS);
                assertFalse(child.isAlive(), "registry child " + child.pid() + " survived");
            }
            assertTrue(Files.isDirectory(dataDir.resolve("kafka")), "a chosen data folder is kept");
        } finally {
            main.descendants().forEach(ProcessHandle::destroyForcibly);
            main.destroyForcibly();
        }
    }

    private static String awaitLine(Path output, String prefix, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (true) {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                // One last read: the process may have written the line just before it ended.
                List<String> last = Files.readAllLines(output, StandardCharsets.UTF_8);
                for (String line : last) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length());
                    }
                }
                fail("no line starting with '" + prefix + "' (process alive=" + process.isAlive() + "); output:\n"
                        + String.join("\n", last));
            }
            Thread.sleep(200);
        }
    }
}
