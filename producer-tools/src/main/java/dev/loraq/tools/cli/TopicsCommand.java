package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.BrokerProbe;
import dev.loraq.tools.topics.RecommendedTopics;
import dev.loraq.tools.topics.TopicInstaller;
import dev.loraq.tools.topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code loraq topics [--create|--describe] [--tenant T]...}: the pipeline's topics with recommended settings. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create (--create) or describe (--describe, the default) the pipeline's topics; existing topics are never changed.")
final class TopicsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--create", description = "Create missing topics with the recommended settings.")
    boolean create;

    @Option(names = "--describe", description = "Only describe (default).")
    boolean describe;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Also the completion topic of this tenant (repeatable).")
    List<String> tenants = new ArrayList<>();

    @Override
    public Integer call() {
        if (create && describe) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--create and --describe exclude each other");
        }
        ToolsConfig config = connection.toolsConfig();
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            int brokers = BrokerProbe.requireReachable(admin, config.bootstrapServers(), config.kafkaTimeoutMs());
            List<TopicSpec> specs = RecommendedTopics.forCluster(config, brokers, tenants);
            List<TopicInstaller.TopicState> states = new TopicInstaller(admin, config.kafkaTimeoutMs()).apply(specs, create);
            states.forEach(state -> spec.commandLine().getOut().println(state.describe()));
            boolean missing = states.stream().anyMatch(s -> !s.exists());
            return missing && !create ? ExitCodes.UNAVAILABLE : ExitCodes.OK;
        }
    }
}
