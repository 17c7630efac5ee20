package dev.loraq.tools.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.avro.JobControlAction;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.AvroSerde;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The progress topology driven by TopologyTestDriver; Avro serdes talk to the real registry of the local stack. */
@ExtendWith(LocalStackExtension.class)
class JobProgressTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private static JobManifest manifest(String job, String tenant, long count) {
        return JobManifest.newBuilder().setJobId(job).setTenantId(tenant).setRequestCount(count).setSubmittedAt(T0).build();
    }

    @Test
    void shouldTrackJobFromManifestToCompletedAcrossTenantTopics(LocalStack stack) {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (AvroSerde<JobManifest> manifests = LoraqSerdes.jobManifest(registry, false);
             AvroSerde<Completion> completions = LoraqSerdes.completion(registry, false);
             AvroSerde<JobControl> controls = LoraqSerdes.jobControl(registry, false)) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "progress-ttd");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
            try (TopologyTestDriver driver = new TopologyTestDriver(JobProgressTopology.build(manifests, completions, controls, OutputTopicPattern.DEFAULT.subscription()), props)) {
                TestInputTopic<String, JobManifest> jobs = driver.createInputTopic(PipelineTopics.JOBS, Serdes.String().serializer(), manifests.serializer());
                TestInputTopic<String, Completion> acme = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("acme"), Serdes.String().serializer(), completions.serializer());
                TestInputTopic<String, Completion> globex = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("globex"), Serdes.String().serializer(), completions.serializer());
                TestOutputTopic<String, JobProgress> progress = driver.createOutputTopic(PipelineTopics.JOB_PROGRESS,
                        Serdes.String().deserializer(), JsonSerde.jobProgress().deserializer());

                jobs.pipeInput("job-a", manifest("job-a", "acme", 3));
                JobProgress announced = progress.readValue();
                assertEquals(new JobProgress("job-a", "acme", 3, 0, 0, 0, 0, T0.toEpochMilli(), 0, 0, JobStatus.VALIDATING,
                        new RequestCounts(3, 0, 0), 0, 0, T0.toEpochMilli(), null, null, null, null, null, null, null, null), announced);

                acme.pipeInput("k", Completions.ok("acme", "job-a", "r1", "ad", "one", 10, 4, T0.plusSeconds(1)));
                assertEquals(JobStatus.IN_PROGRESS, progress.readValue().status());
                globex.pipeInput("k", Completions.ok("globex", "job-b", "x1", "ad", "other job", 1, 1, T0.plusSeconds(1)));
                JobProgress other = progress.readValue();
                assertEquals("job-b", other.jobId());
                assertEquals(-1, other.total(), "a job whose manifest is unknown has no total");
                assertEquals(JobStatus.IN_PROGRESS, other.status());

                acme.pipeInput("k", Completions.error("acme", "job-a", "r2", "ad", "unknown_adapter", T0.plusSeconds(2)));
                acme.pipeInput("k", Completions.ok("acme", "job-a", "r3", "ad", "three", 20, 6, T0.plusSeconds(3)));
                List<JobProgress> rows = progress.readValuesToList();
                JobProgress done = rows.getLast();
                assertEquals(3, done.total());
                assertEquals(2, done.completed());
                assertEquals(1, done.failed());
                assertEquals(30, done.promptTokens());
                assertEquals(10, done.completionTokens());
                assertEquals(T0.plusSeconds(1).toEpochMilli(), done.firstCompletionAt());
                assertEquals(T0.plusSeconds(3).toEpochMilli(), done.lastCompletionAt());
                assertEquals(JobStatus.COMPLETED, done.status());
                assertEquals(1.0, done.fraction());
                assertEquals(1.5, done.requestsPerSecond(), 1e-9);
                assertEquals(0, done.etaSeconds());

                // The manifest arriving late fills the total in.
                jobs.pipeInput("job-b", manifest("job-b", "globex", 1));
                JobProgress late = progress.readValue();
                assertEquals(1, late.total());
                assertEquals(JobStatus.COMPLETED, late.status());
                assertTrue(progress.isEmpty());
            }
        }
    }

    @Test
    void shouldCountEachRequestOnceWhenCompletionsAreDuplicated(LocalStack stack) {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (AvroSerde<JobManifest> manifests = LoraqSerdes.jobManifest(registry, false);
             AvroSerde<Completion> completions = LoraqSerdes.completion(registry, false);
             AvroSerde<JobControl> controls = LoraqSerdes.jobControl(registry, false)) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "progress-ttd-dup");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
            try (TopologyTestDriver driver = new TopologyTestDriver(JobProgressTopology.build(manifests, completions, controls, OutputTopicPattern.DEFAULT.subscription()), props)) {
                TestInputTopic<String, JobManifest> jobs = driver.createInputTopic(PipelineTopics.JOBS, Serdes.String().serializer(), manifests.serializer());
                TestInputTopic<String, Completion> acme = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("acme"), Serdes.String().serializer(), completions.serializer());
                TestOutputTopic<String, JobProgress> progress = driver.createOutputTopic(PipelineTopics.JOB_PROGRESS,
                        Serdes.String().deserializer(), JsonSerde.jobProgress().deserializer());
                jobs.pipeInput("job-d", manifest("job-d", "acme", 2));
                acme.pipeInput("r1", Completions.ok("acme", "job-d", "r1", "ad", "one", 10, 4, T0.plusSeconds(1)));
                acme.pipeInput("r1", Completions.ok("acme", "job-d", "r1", "ad", "one again", 10, 4, T0.plusSeconds(2)));
                acme.pipeInput("r1", Completions.error("acme", "job-d", "r1", "ad", "engine_error", T0.plusSeconds(3)));
                JobProgress afterDuplicates = progress.readValuesToList().getLast();
                assertEquals(1, afterDuplicates.completed(), "r1 counted once");
                assertEquals(0, afterDuplicates.failed());
                assertEquals(10, afterDuplicates.promptTokens());
                assertEquals(JobStatus.IN_PROGRESS, afterDuplicates.status(), "one of two requests done, not 3 of 2");
                // The same request id in another job is another request.
                acme.pipeInput("r1", Completions.ok("acme", "job-e", "r1", "ad", "other job", 1, 1, T0.plusSeconds(3)));
                assertEquals(1, progress.readValuesToList().getLast().completed());
                acme.pipeInput("r2", Completions.ok("acme", "job-d", "r2", "ad", "two", 20, 6, T0.plusSeconds(4)));
                JobProgress done = progress.readValuesToList().getLast();
                assertEquals("job-d", done.jobId());
                assertEquals(2, done.completed());
                assertEquals(0, done.failed());
                assertEquals(JobStatus.COMPLETED, done.status());
            }
        }
    }

    @Test
    void shouldGoFromCancellingToCancelledOnceEveryRequestHasAResult(LocalStack stack) {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (AvroSerde<JobManifest> manifests = LoraqSerdes.jobManifest(registry, false);
             AvroSerde<Completion> completions = LoraqSerdes.completion(registry, false);
             AvroSerde<JobControl> controls = LoraqSerdes.jobControl(registry, false);
             TopologyTestDriver driver = driver(manifests, completions, controls, "progress-ttd-cancel")) {
            TestInputTopic<String, JobManifest> jobs = driver.createInputTopic(PipelineTopics.JOBS, Serdes.String().serializer(), manifests.serializer());
            TestInputTopic<String, JobControl> cancels = driver.createInputTopic(PipelineTopics.JOB_CONTROL, Serdes.String().serializer(), controls.serializer());
            TestInputTopic<String, Completion> acme = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("acme"), Serdes.String().serializer(), completions.serializer());
            TestOutputTopic<String, JobProgress> progress = driver.createOutputTopic(PipelineTopics.JOB_PROGRESS,
                    Serdes.String().deserializer(), JsonSerde.jobProgress().deserializer());
            jobs.pipeInput("job-c", manifest("job-c", "acme", 3));
            acme.pipeInput("r1", Completions.ok("acme", "job-c", "r1", "ad", "one", 10, 4, T0.plusSeconds(1)));
            cancels.pipeInput("job-c", JobControl.newBuilder().setJobId("job-c").setTenantId("acme").setAction(JobControlAction.CANCEL)
                    .setRequestedAt(T0.plusSeconds(2)).build());
            JobProgress cancelling = progress.readValuesToList().getLast();
            assertEquals(JobStatus.CANCELLING, cancelling.status());
            assertEquals(T0.plusSeconds(2).toEpochMilli(), cancelling.cancellingAt());
            assertEquals(null, cancelling.cancelledAt());
            acme.pipeInput("r2", Completions.error("acme", "job-c", "r2", "ad", "cancelled", T0.plusSeconds(3)));
            assertEquals(JobStatus.CANCELLING, progress.readValuesToList().getLast().status(), "r3 has no result yet");
            acme.pipeInput("r3", Completions.error("acme", "job-c", "r3", "ad", "cancelled", T0.plusSeconds(4)));
            JobProgress cancelled = progress.readValuesToList().getLast();
            assertEquals(JobStatus.CANCELLED, cancelled.status());
            assertEquals(new RequestCounts(3, 1, 2), cancelled.requestCounts());
            assertEquals(2, cancelled.cancelled());
            assertEquals(T0.plusSeconds(4).toEpochMilli(), cancelled.cancelledAt());
            assertEquals(T0.plusSeconds(1).toEpochMilli(), cancelled.inProgressAt());
            assertEquals(null, cancelled.completedAt());
        }
    }

    @Test
    void shouldFinalizeThenExpireWhenTheDeadlinePassed(LocalStack stack) {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (AvroSerde<JobManifest> manifests = LoraqSerdes.jobManifest(registry, false);
             AvroSerde<Completion> completions = LoraqSerdes.completion(registry, false);
             AvroSerde<JobControl> controls = LoraqSerdes.jobControl(registry, false);
             TopologyTestDriver driver = driver(manifests, completions, controls, "progress-ttd-expiry")) {
            TestInputTopic<String, JobManifest> jobs = driver.createInputTopic(PipelineTopics.JOBS, Serdes.String().serializer(), manifests.serializer());
            TestInputTopic<String, Completion> acme = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("acme"), Serdes.String().serializer(), completions.serializer());
            TestOutputTopic<String, JobProgress> progress = driver.createOutputTopic(PipelineTopics.JOB_PROGRESS,
                    Serdes.String().deserializer(), JsonSerde.jobProgress().deserializer());
            JobManifest windowed = manifest("job-x", "acme", 3);
            windowed.setExpiresAt(T0.plusSeconds(60));
            jobs.pipeInput("job-x", windowed);
            assertEquals(T0.plusSeconds(60).toEpochMilli(), progress.readValue().expiresAt());
            acme.pipeInput("r1", Completions.ok("acme", "job-x", "r1", "ad", "one", 10, 4, T0.plusSeconds(1)));
            acme.pipeInput("r2", Completions.error("acme", "job-x", "r2", "ad", "batch_expired", T0.plusSeconds(61)));
            JobProgress finalizing = progress.readValuesToList().getLast();
            assertEquals(JobStatus.FINALIZING, finalizing.status());
            assertEquals(T0.plusSeconds(61).toEpochMilli(), finalizing.finalizingAt());
            acme.pipeInput("r3", Completions.error("acme", "job-x", "r3", "ad", "batch_expired", T0.plusSeconds(62)));
            JobProgress expired = progress.readValuesToList().getLast();
            assertEquals(JobStatus.EXPIRED, expired.status());
            assertEquals(2, expired.expired());
            assertEquals(new RequestCounts(3, 1, 2), expired.requestCounts());
            assertEquals(T0.plusSeconds(62).toEpochMilli(), expired.expiredAt());
            assertEquals(T0.plusSeconds(61).toEpochMilli(), expired.finalizingAt());
        }
    }

    @Test
    void shouldKeepTheEndOfAJobACancelCameTooLateFor() {
        CompletionTally allOk = CompletionTally.empty()
                .add(Completions.ok("acme", "j", "r1", "ad", "x", 1, 1, T0))
                .add(Completions.ok("acme", "j", "r2", "ad", "y", 1, 1, T0.plusSeconds(1)));
        assertEquals(JobStatus.COMPLETED, JobProgress.status(2, allOk, true), "no request was cancelled: the job completed");
        assertEquals(JobStatus.CANCELLING, JobProgress.status(3, allOk, true));
        assertEquals(JobStatus.IN_PROGRESS, JobProgress.status(-1, allOk, false), "manifest not seen yet");
    }

    private static TopologyTestDriver driver(AvroSerde<JobManifest> manifests, AvroSerde<Completion> completions,
                                             AvroSerde<JobControl> controls, String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return new TopologyTestDriver(JobProgressTopology.build(manifests, completions, controls, OutputTopicPattern.DEFAULT.subscription()), props);
    }

    @Test
    void shouldMarkJobFailedWhenEveryRequestFailed() {
        assertEquals(JobStatus.FAILED, JobProgress.status(2, 0, 2));
        assertEquals(JobStatus.COMPLETED, JobProgress.status(2, 1, 1));
        assertEquals(JobStatus.COMPLETED, JobProgress.status(0, 0, 0));
        assertEquals(JobStatus.VALIDATING, JobProgress.status(2, 0, 0));
        assertEquals(JobStatus.IN_PROGRESS, JobProgress.status(2, 0, 1));
    }
}
