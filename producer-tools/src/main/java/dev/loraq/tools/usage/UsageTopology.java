package dev.loraq.tools.usage;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.progress.FirstCompletionFilter;
import dev.loraq.tools.progress.JsonSerde;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The usage table: every tenant's completions (every topic of the output topic pattern), each (job, request) counted
 * once, summed per tenant, adapter and UTC hour and per tenant, adapter and UTC day into {@link UsageRow}s, written
 * as JSON to the compacted loraq.usage keyed by {@link UsageRow#key()}.
 *
 * <p>Exactly-once processing already counts each completion record once; the first-completion filter also drops a
 * second completion of the same request (an upstream exactly-once violation, or a prompt produced twice), which
 * collect reports as a duplicate and delivers once, so a tenant is charged for each result it receives once.
 */
public final class UsageTopology {

    /** (job id, request id) pairs already counted by the usage service. */
    public static final String SEEN_STORE = "usage-seen-requests";
    public static final String USAGE_STORE = "usage-rows";

    private UsageTopology() {
    }

    /** @param completionTopics every tenant's completion topic ({@code OutputTopicPattern.subscription()}) */
    public static Topology build(Serde<Completion> completions, Pattern completionTopics) {
        JsonSerde<UsageRow> rows = new JsonSerde<>(UsageRow.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long()));
        builder.stream(completionTopics, Consumed.with(Serdes.String(), completions))
                .filter((key, completion) -> completion != null)
                .selectKey((key, completion) -> completion.getJobId())
                .repartition(Repartitioned.with(Serdes.String(), completions).withName("usage-completions-by-job"))
                .processValues(() -> new FirstCompletionFilter(SEEN_STORE), SEEN_STORE)
                .flatMap((jobId, completion) -> List.of(row(completion, UsagePeriod.HOUR), row(completion, UsagePeriod.DAY)))
                .groupByKey(Grouped.with("usage-rows-by-key", Serdes.String(), rows))
                .reduce(UsageRow::plus, Materialized.<String, UsageRow, KeyValueStore<Bytes, byte[]>>as(USAGE_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(rows))
                .toStream()
                .to(PipelineTopics.USAGE, Produced.with(Serdes.String(), rows));
        return builder.build();
    }

    private static KeyValue<String, UsageRow> row(Completion completion, UsagePeriod period) {
        UsageRow row = UsageRow.of(completion, period);
        return KeyValue.pair(row.key(), row);
    }
}
