package dev.loraq.tools.cli;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgressService;
import java.util.List;
import java.util.concurrent.Callable;
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
        StreamsServiceRun.requireTopics(config, List.of(PipelineTopics.JOBS, PipelineTopics.JOB_PROGRESS));
        JobProgressService service = new JobProgressService(config);
        return StreamsServiceRun.untilStopped(spec, config, config.progressApplicationId(), service::start, service::close);
    }
}
