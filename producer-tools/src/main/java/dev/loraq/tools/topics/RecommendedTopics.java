package dev.loraq.tools.topics;

import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The pipeline's topics with recommended settings for a cluster of a given size: replication capped by the broker
 * count, min.insync.replicas 2 from replication 3 up (one broker may fail without stopping acks=all producers), else 1.
 * Tables (jobs, job progress, usage) are compacted; request and result streams expire by time. The dead-letter and
 * completion topics are the configured ones ({@code dlq.topic}, {@code output.topic.pattern}), as the engine's.
 */
public final class RecommendedTopics {

    private RecommendedTopics() {
    }

    public static List<TopicSpec> forCluster(ToolsConfig config, int brokers, List<String> tenants) {
        short replication = (short) Math.max(1, Math.min(config.replicationFactor(), brokers));
        String minIsr = replication >= 3 ? "2" : "1";
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(new TopicSpec(PipelineTopics.PROMPTS, config.promptsPartitions(), replication,
                delete(minIsr, config.retentionMs()), "PromptRequest records, key = adapter id"));
        specs.add(new TopicSpec(PipelineTopics.JOBS, config.controlPartitions(), replication, compact(minIsr),
                "JobManifest records, key = job id (a table)"));
        specs.add(new TopicSpec(PipelineTopics.JOB_PROGRESS, config.controlPartitions(), replication, compact(minIsr),
                "JobProgress JSON, key = job id (a table, written by loraq progress-service)"));
        specs.add(new TopicSpec(PipelineTopics.USAGE, config.controlPartitions(), replication, compact(minIsr),
                "Usage JSON per tenant, adapter and hour or day (a table, written by loraq usage-service)"));
        // Compacted (one instruction per job) and deleted after the prompts' retention, when no request of the job is left.
        specs.add(new TopicSpec(PipelineTopics.JOB_CONTROL, config.controlPartitions(), replication,
                compactThenDelete(minIsr, config.retentionMs()), "JobControl records (loraq cancel), key = job id (a table, read by every engine)"));
        specs.add(new TopicSpec(PipelineTopics.BATCH_FILES, config.controlPartitions(), replication, compact(minIsr),
                "Files of the OpenAI Batch HTTP API (loraq batch-api), key = file id or file id/chunk (a table)"));
        specs.add(new TopicSpec(config.dlqTopic(), config.controlPartitions(), replication,
                delete(minIsr, config.dlqRetentionMs()), "DeadLetter records of the consumer engine"));
        OutputTopicPattern outputs = config.outputTopicPattern();
        for (String tenant : tenants) {
            ToolsConfig.requireTenant("tenant", tenant);
            specs.add(new TopicSpec(outputs.topicFor(tenant), config.completionsPartitions(), replication,
                    delete(minIsr, config.retentionMs()), "Completion records of tenant " + tenant));
        }
        return specs;
    }

    private static Map<String, String> delete(String minIsr, long retentionMs) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        return configs;
    }

    private static Map<String, String> compactThenDelete(String minIsr, long retentionMs) {
        Map<String, String> configs = compact(minIsr);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        return configs;
    }

    private static Map<String, String> compact(String minIsr) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        // Lets compaction drop superseded rows of finished jobs within the hour rather than after a full segment.
        configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(3_600_000L));
        return configs;
    }
}
