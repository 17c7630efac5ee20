package dev.loraq.service.pipeline;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code loraq-engine run} in a child JVM on the test's class path, so a test can kill it like a crashed process. */
final class EngineChild {

    private EngineChild() {
    }

    /** Starts the child with the fixture's settings of worker {@code workerId}, its output in {@code log}. */
    static Process start(PipelineFixture fixture, String workerId, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        command.addAll(List.of("-Xmx512m", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "dev.loraq.service.cli.LoraqEngineCli", "run"));
        Map<String, String> settings = fixture.settings(workerId);
        settings.put("kafka.consumer.max.poll.interval.ms", "30000");
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            command.add("--set");
            command.add(setting.getKey() + "=" + setting.getValue());
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
