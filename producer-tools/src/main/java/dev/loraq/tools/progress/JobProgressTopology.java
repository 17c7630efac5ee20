package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.contract.PipelineTopics;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The job-progress table: job manifests (loraq.jobs, a table keyed by job id) outer-joined with a per-job tally of
 * every tenant's completions (every topic of the output topic pattern, re-keyed by job id, each (job, request) counted once),
 * written as {@link JobProgress} JSON to the compacted loraq.job-progress. An outer join, so a job shows up as soon as either side exists.
 */
public final class JobProgressTopology {

    public static final String MANIFEST_STORE = "job-manifests";
    public static final String TALLY_STORE = "job-completion-tallies";
    public static final String PROGRESS_STORE = "job-progress";
    /** (job id, request id) pairs already counted; see {@link FirstCompletionFilter}. */
    public static final String SEEN_STORE = "job-seen-requests";

    private JobProgressTopology() {
    }

    /** @param completionTopics every tenant's completion topic ({@code OutputTopicPattern.subscription()}) */
    public static Topology build(Serde<JobManifest> manifests, Serde<Completion> completions, Pattern completionTopics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long()));
        KTable<String, JobManifest> jobs = builder.table(PipelineTopics.JOBS, Consumed.with(Serdes.String(), manifests),
                Materialized.<String, JobManifest, KeyValueStore<Bytes, byte[]>>as(MANIFEST_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(manifests));
        KTable<String, CompletionTally> tallies = builder
                .stream(completionTopics, Consumed.with(Serdes.String(), completions))
                .filter((key, completion) -> completion != null)
                .selectKey((key, completion) -> completion.getJobId())
                .repartition(Repartitioned.with(Serdes.String(), completions).withName("completions-by-job"))
                .processValues(() -> new FirstCompletionFilter(SEEN_STORE), SEEN_STORE)
                .groupByKey(Grouped.with(Serdes.String(), completions))
                .aggregate(CompletionTally::empty, (jobId, completion, tally) -> tally.add(completion),
                        Materialized.<String, CompletionTally, KeyValueStore<Bytes, byte[]>>as(TALLY_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(CompletionTally.class)));
        jobs.outerJoin(tallies, (manifest, tally) -> manifest == null && tally == null ? null : new ManifestAndTally(manifest, tally))
                .toStream()
                .mapValues((jobId, both) -> both == null ? null : JobProgress.of(jobId, both.manifest(), both.tally()))
                .to(PipelineTopics.JOB_PROGRESS, Produced.with(Serdes.String(), JsonSerde.jobProgress()));
        return builder.build();
    }

    /** The joiner does not see the key; the job id is added after the join. */
    private record ManifestAndTally(JobManifest manifest, CompletionTally tally) {
    }
}
