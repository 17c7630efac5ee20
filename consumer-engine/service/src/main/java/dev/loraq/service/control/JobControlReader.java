package dev.loraq.service.control;

import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.registry.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job-control topic from its beginning on its own thread and consumer (no group: every engine instance reads
 * every partition, outside the transactional group), filling {@link CancelledJobs}. It counts as caught up once it has
 * read to the end offsets it found at its start (the last stable offsets), or at once when the topic does not exist
 * (then nothing can be cancelled; it looks again every {@value #RETRY_MS} ms). Failures are logged once per kind and
 * retried after {@value #RETRY_MS} ms; the consumer loop does not start work until the reader has caught up.
 */
public final class JobControlReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JobControlReader.class);
    static final long RETRY_MS = 5_000;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long PRUNE_EVERY_MS = 60_000;

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Deserializer<JobControl> deserializer;
    private final CancelledJobs jobs;
    private final String workerId;
    private final Clock clock;
    private volatile boolean stopping;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private String lastProblem;

    public JobControlReader(String topic, Supplier<Consumer<byte[], byte[]>> consumers, Deserializer<JobControl> deserializer,
                            CancelledJobs jobs, String workerId, Clock clock) {
        this.topic = topic;
        this.consumers = consumers;
        this.deserializer = deserializer;
        this.jobs = jobs;
        this.workerId = workerId;
        this.clock = clock;
    }

    /** Ends the reader within one poll; its consumer closes cleanly (not interrupted, which Kafka logs as an error). */
    public void stop() {
        stopping = true;
        stopped.countDown();
    }

    @Override
    public void run() {
        while (!stopping) {
            try (Consumer<byte[], byte[]> consumer = consumers.get()) {
                read(consumer);
            } catch (AuthorizationException e) {
                problem("not authorized to read " + topic + ": the engine's principal needs READ on it (loraq acls): " + e.getMessage());
                sleep(RETRY_MS);
            } catch (KafkaException e) {
                problem("reading " + topic + " failed: " + e);
                sleep(RETRY_MS);
            }
        }
        deserializer.close();
    }

    private void read(Consumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = partitions(consumer);
        while (partitions.isEmpty() && !stopping) {
            if (!jobs.isCaughtUp()) {
                LOG.warn("job-control topic {} does not exist worker={}: no job can be cancelled until it does (loraq topics --create)",
                        topic, workerId);
                jobs.markCaughtUp();
            }
            sleep(RETRY_MS);
            partitions = partitions(consumer);
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = new java.util.HashMap<>(consumer.endOffsets(partitions));
        long nextPrune = clock.millis() + PRUNE_EVERY_MS;
        LOG.info("reading job-control topic {} worker={} partitions={}", topic, workerId, partitions.size());
        while (!stopping) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                apply(consumer, record);
            }
            if (!jobs.isCaughtUp()) {
                ends.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
                if (ends.isEmpty()) {
                    jobs.markCaughtUp();
                    LOG.info("job-control topic read worker={} cancelledJobs={}", workerId, jobs.size());
                }
            }
            if (clock.millis() >= nextPrune) {
                nextPrune = clock.millis() + PRUNE_EVERY_MS;
                int forgotten = jobs.forgetOlderThanRetention(clock.instant());
                if (forgotten > 0) {
                    LOG.info("forgot cancellations past job.control.retention.ms worker={} count={}", workerId, forgotten);
                }
            }
            lastProblem = null;
        }
    }

    private void apply(Consumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record) {
        String jobId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        JobControl control;
        try {
            control = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RegistryUnavailableException e) {
            // Read the record again once the registry answers: a cancellation must not be skipped.
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("undecodable job-control record skipped worker={} source={}-{}@{}: {}", workerId, record.topic(),
                    record.partition(), record.offset(), e.toString());
            return;
        }
        if (jobId == null && control != null) {
            jobId = control.getJobId();
        }
        if (jobId == null) {
            return;
        }
        boolean known = jobs.of(jobId, control == null ? null : control.getTenantId()) != null;
        jobs.apply(jobId, control);
        if (control == null) {
            LOG.info("job-control tombstone worker={} jobId={}", workerId, jobId);
        } else if (!known) {
            LOG.info("job cancelled worker={} jobId={} tenant={} requestedAt={}", workerId, jobId, control.getTenantId(),
                    control.getRequestedAt());
        }
    }

    private List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos != null) {
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    private void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.error("job-control reader worker={}: {}", workerId, problem);
            lastProblem = problem;
        }
    }

    /** Waits before a retry; {@link #stop()} ends the wait at once. */
    private void sleep(long ms) {
        try {
            stopped.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
