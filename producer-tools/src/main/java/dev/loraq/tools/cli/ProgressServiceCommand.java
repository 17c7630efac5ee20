package dev.loraq.tools.cli;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.progress.JobProgressService;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loraq progress-service}: runs the job-progress Kafka Streams application until stopped (SIGTERM, Ctrl-C). */
@Command(name = "progress-service", mixinStandardHelpOptions = true,
        description = "Run the job-progress service (Kafka Streams, exactly_once_v2) that feeds 'watch' and 'jobs'.")
final class ProgressServiceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws InterruptedException {
        ToolsConfig config = connection.toolsConfig();
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireReachable(admin, config.bootstrapServers(), config.kafkaTimeoutMs());
            BrokerProbe.requireTopics(admin, config.bootstrapServers(), config.kafkaTimeoutMs(), List.of(PipelineTopics.JOBS, PipelineTopics.JOB_PROGRESS));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        JobProgressService service = new JobProgressService(config);
        Thread hook = new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "progress-service-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.start();
        spec.commandLine().getErr().println("loraq progress-service: running (application.id " + config.progressApplicationId()
                + ", brokers " + config.bootstrapServers() + "); stop with Ctrl-C");
        stopped.await();
        return ExitCodes.OK;
    }
}
