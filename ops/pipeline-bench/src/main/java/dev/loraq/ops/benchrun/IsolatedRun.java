package dev.loraq.ops.benchrun;

import dev.loraq.service.config.ServiceConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The service settings of one benchmark leg on its own topics, group and worker id (named after the leg and the time),
 * so legs and earlier runs on the same cluster never see each other's records. Metrics endpoint off.
 */
public final class IsolatedRun {

    private IsolatedRun() {
    }

    /** Settings of a leg whose names start with {@code prefix-<time>-<leg>}; the caller adds engine and tuning keys. */
    public static Map<String, String> settings(String prefix, String leg, String bootstrapServers, String registryUrl) {
        String run = prefix + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" + leg;
        Map<String, String> m = new HashMap<>();
        m.put(ServiceConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(ServiceConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        m.put(ServiceConfig.GROUP_ID_CONFIG, run + "-group");
        m.put(ServiceConfig.INPUT_TOPIC_CONFIG, run + ".prompts");
        m.put(ServiceConfig.OUTPUT_TOPIC_PATTERN_CONFIG, run + ".completions.{tenant}");
        m.put(ServiceConfig.DLQ_TOPIC_CONFIG, run + ".dlq");
        m.put(ServiceConfig.WORKER_ID_CONFIG, run);
        m.put(ServiceConfig.METRICS_PORT_CONFIG, "-1");
        return m;
    }
}
