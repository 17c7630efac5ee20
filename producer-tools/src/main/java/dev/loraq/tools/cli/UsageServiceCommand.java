package dev.loraq.tools.cli;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.usage.UsageService;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loraq usage-service}: runs the usage Kafka Streams application until stopped (SIGTERM, Ctrl-C). */
@Command(name = "usage-service", mixinStandardHelpOptions = true,
        description = "Run the usage service (Kafka Streams, exactly_once_v2) that sums every tenant's completions into loraq.usage for 'usage'.")
final class UsageServiceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws InterruptedException {
        ToolsConfig config = connection.toolsConfig();
        StreamsServiceRun.requireTopics(config, List.of(PipelineTopics.USAGE));
        UsageService service = new UsageService(config);
        return StreamsServiceRun.untilStopped(spec, config, config.usageApplicationId(), service::start, service::close);
    }
}
