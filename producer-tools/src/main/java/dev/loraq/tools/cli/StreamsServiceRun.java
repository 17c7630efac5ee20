package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.BrokerProbe;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Model.CommandSpec;

/** How the service commands (progress-service, usage-service) run a Kafka Streams application in the foreground. */
final class StreamsServiceRun {

    private StreamsServiceRun() {
    }

    /** Fails with the tools' usual errors unless the broker answers and every topic the service needs exists. */
    static void requireTopics(ToolsConfig config, List<String> topics) {
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireReachable(admin, config.bootstrapServers(), config.kafkaTimeoutMs());
            BrokerProbe.requireTopics(admin, config.bootstrapServers(), config.kafkaTimeoutMs(), topics);
        }
    }

    /** Starts the service and returns once SIGTERM or Ctrl-C has stopped it. */
    static int untilStopped(CommandSpec spec, ToolsConfig config, String applicationId, Runnable start, Runnable stop)
            throws InterruptedException {
        String name = spec.name();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        start.run();
        spec.commandLine().getErr().println("loraq " + name + ": running (application.id " + applicationId
                + ", brokers " + config.bootstrapServers() + "); stop with Ctrl-C");
        stopped.await();
        return ExitCodes.OK;
    }
}
