package dev.loraq.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM started from this one's class path, with the flags every loraq JVM needs, its output in a log file. */
final class ChildJvm {

    private ChildJvm() {
    }

    static Process start(String heap, String mainClass, List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of("-Xmx" + heap, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path")));
        String logging = System.getProperty("logback.configurationFile");
        if (logging != null) {
            command.add("-Dlogback.configurationFile=" + logging);
        }
        command.add(mainClass);
        command.addAll(args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // The child logs to its own file, so it may say everything a person would read (reachable again, ...).
            builder.environment().put("LORAQ_LOG_LEVEL", "INFO");
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + mainClass + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL and wait. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, wait up to the grace period, then SIGKILL; returns the exit status. */
    static int stop(Process process, long graceSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(graceSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }
}
