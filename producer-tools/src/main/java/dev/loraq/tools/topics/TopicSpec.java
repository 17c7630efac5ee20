package dev.loraq.tools.topics;

import java.util.Map;

/** A topic the pipeline needs, with its recommended partitions, replication and configs. */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs, String purpose) {
}
