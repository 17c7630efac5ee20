package dev.loraq.tools.progress;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.JobControl;
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
 * then outer-joined with the job's cancellation (loraq.job-control, a table keyed by job id), written as {@link JobProgress}
 * JSON to the compacted loraq.job-progress. Outer joins, so a job shows up as soon as any side exists. The three
 * tables are joined by key, so loraq.jobs and loraq.job-control need the same partition count (loraq topics creates both
 * with topics.control.partitions).
 */
public final class JobProgressTopology {

    public static final String MANIFEST_STORE = "job-manifests";
    public static final String TALLY_STORE = "job-completion-tallies";
    public static final String PROGRESS_STORE = "job-progress";
    /** (job id, request id) pairs already counted; see {@link FirstCompletionFilter}. */
    public static final String SEEN_STORE = "job-seen-requests";
    public static final String CONTROL_STORE = "job-controls";

    private JobProgressTopology() {
    }

    /** @param completionTopics every tenant's completion topic ({@code OutputTopicPattern.subscription()}) */
    public static Topology build(Serde<JobManifest> manifests, Serde<Completion> completions, Serde<JobControl> controls,
                                 Pattern completionTopics) {
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
        KTable<String, JobControl> cancels = builder.table(PipelineTopics.JOB_CONTROL, Consumed.with(Serdes.String(), controls),
                Materialized.<String, JobControl, KeyValueStore<Bytes, byte[]>>as(CONTROL_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(controls));
        jobs.outerJoin(tallies, (manifest, tally) -> manifest == null && tally == null ? null : new JobSides(manifest, tally, null))
                .outerJoin(cancels, (both, cancel) -> both == null && cancel == null ? null
                        : new JobSides(both == null ? null : both.manifest(), both == null ? null : both.tally(), cancel))
                .toStream()
                .mapValues((jobId, all) -> all == null ? null : JobProgress.of(jobId, all.manifest(), all.tally(), all.cancel()))
                .to(PipelineTopics.JOB_PROGRESS, Produced.with(Serdes.String(), JsonSerde.jobProgress()));
        return builder.build();
    }

    /** The joiners do not see the key; the job id is added after the joins. */
    private record JobSides(JobManifest manifest, CompletionTally tally, JobControl cancel) {
    }
}
