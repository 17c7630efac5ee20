package dev.loraq.tools.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.TokenUsage;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.AvroSerde;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.progress.Completions;
import dev.loraq.tools.progress.JsonSerde;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The usage topology driven by TopologyTestDriver; Avro serdes talk to the real registry of the local stack. */
@ExtendWith(LocalStackExtension.class)
class UsageTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T23:59:00Z");
    private static final long HOUR_23 = Instant.parse("2026-11-01T23:00:00Z").toEpochMilli();
    private static final long DAY_1 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final long HOUR_0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();

    private static Completion ok(String tenant, String job, String request, String adapter, int prompt, int generated, long nanos, Instant at) {
        Completion c = Completions.ok(tenant, job, request, adapter, "text", prompt, generated, at);
        c.setUsage(new TokenUsage(prompt, generated, nanos));
        return c;
    }

    @Test
    void shouldSumPerTenantAdapterHourAndDayCountingEachRequestOnce(LocalStack stack) {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (AvroSerde<Completion> completions = LoraqSerdes.completion(registry, false)) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-ttd");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
            try (TopologyTestDriver driver = new TopologyTestDriver(UsageTopology.build(completions, OutputTopicPattern.DEFAULT.subscription()), props)) {
                TestInputTopic<String, Completion> acme = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("acme"),
                        Serdes.String().serializer(), completions.serializer());
                TestInputTopic<String, Completion> globex = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("globex"),
                        Serdes.String().serializer(), completions.serializer());
                TestOutputTopic<String, UsageRow> usage = driver.createOutputTopic(PipelineTopics.USAGE, Serdes.String().deserializer(),
                        new JsonSerde<>(UsageRow.class).deserializer());

                acme.pipeInput("k", ok("acme", "j1", "r1", "ad", 10, 4, 1_000, T0));
                acme.pipeInput("k", Completions.error("acme", "j1", "r2", "ad", "prompt_too_long", T0.plusSeconds(1)));
                acme.pipeInput("k", ok("acme", "j1", "r3", null, 5, 2, 300, T0.plusSeconds(2)));
                // After midnight UTC: a new hour and a new day.
                acme.pipeInput("k", ok("acme", "j1", "r4", "ad", 20, 6, 2_000, T0.plusSeconds(120)));
                // A duplicate of r1 (another worker wrote it again) is not counted.
                acme.pipeInput("k", ok("acme", "j1", "r1", "ad", 10, 4, 1_000, T0.plusSeconds(130)));
                globex.pipeInput("k", ok("globex", "j2", "r1", "ad", 1, 1, 50, T0));

                Map<String, UsageRow> table = usage.readKeyValuesToMap();
                assertEquals(Map.of(
                        "acme|hour|" + HOUR_23 + "|adapter:ad", new UsageRow("acme", "ad", "hour", HOUR_23, 2, 1, 10, 4, 1_000),
                        "acme|day|" + DAY_1 + "|adapter:ad", new UsageRow("acme", "ad", "day", DAY_1, 2, 1, 10, 4, 1_000),
                        "acme|hour|" + HOUR_23 + "|base", new UsageRow("acme", null, "hour", HOUR_23, 1, 0, 5, 2, 300),
                        "acme|day|" + DAY_1 + "|base", new UsageRow("acme", null, "day", DAY_1, 1, 0, 5, 2, 300),
                        "acme|hour|" + HOUR_0 + "|adapter:ad", new UsageRow("acme", "ad", "hour", HOUR_0, 1, 0, 20, 6, 2_000),
                        "acme|day|" + HOUR_0 + "|adapter:ad", new UsageRow("acme", "ad", "day", HOUR_0, 1, 0, 20, 6, 2_000),
                        "globex|hour|" + HOUR_23 + "|adapter:ad", new UsageRow("globex", "ad", "hour", HOUR_23, 1, 0, 1, 1, 50),
                        "globex|day|" + DAY_1 + "|adapter:ad", new UsageRow("globex", "ad", "day", DAY_1, 1, 0, 1, 1, 50)), table);
            }
        }
    }
}
