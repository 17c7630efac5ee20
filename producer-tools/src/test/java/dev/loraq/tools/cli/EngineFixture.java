package dev.loraq.tools.cli;

import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.stack.LocalStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The real consumer engine for tool tests: its settings on the pipeline's default topics, started after earlier prompts. */
final class EngineFixture {

    private EngineFixture() {
    }

    /** The consumer service's settings, as the engine's own tests give them, over {@code dir}'s model and adapters folders. */
    static ServiceConfig engineConfig(LocalStack stack, Path dir, String group, String workerId) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", stack.bootstrapServers());
        s.put("schema.registry.url", stack.registryUrl());
        s.put("group.id", group);
        s.put("worker.id", workerId);
        s.put("commit.interval.ms", "200");
        s.put("metrics.port", "-1");
        s.put("shutdown.timeout.ms", "5000");
        s.put("revocation.timeout.ms", "3000");
        s.put("model.dir", dir.resolve("model").toString());
        s.put("adapters.dir", dir.resolve("adapters").toString());
        s.put("max.loras", "4");
        s.put("max.cpu.loras", "8");
        s.put("max.num.seqs", "16");
        s.put("threads", "1");
        return ConfigSources.load(null, s, Map.of());
    }

    /** The service's input topic is shared by every test of this JVM: the engine's group starts at its current end. */
    static void startAfterEarlierPrompts(LocalStack stack, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            int partitions = admin.describeTopics(List.of(PipelineTopics.PROMPTS)).allTopicNames().get()
                    .get(PipelineTopics.PROMPTS).partitions().size();
            for (int p = 0; p < partitions; p++) {
                query.put(new TopicPartition(PipelineTopics.PROMPTS, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(query).all().get().forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }
}
