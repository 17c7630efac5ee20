package dev.loraq.service;

import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.serde.AvroDeserializer;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.consumer.BrokerClients;
import dev.loraq.service.consumer.ConsumerLoop;
import dev.loraq.service.control.CancelledJobs;
import dev.loraq.service.control.JobControlReader;
import dev.loraq.service.health.ClusterProbe;
import dev.loraq.service.health.EngineHealth;
import dev.loraq.service.inference.InferenceEngine;
import dev.loraq.service.metrics.MetricsEndpoint;
import dev.loraq.service.metrics.ServiceMetrics;
import dev.loraq.online.usage.TenantUsage;
import dev.loraq.service.output.DeadLetterSizing;
import dev.loraq.service.output.RecordErrorHandler;
import dev.loraq.service.output.TopicProvisioner;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the consumer service: the consumer loop on its own thread, the job-control reader on
 * another, the engine it feeds and the metrics endpoint. {@link #close} shuts down gracefully (stop fetching, let in-flight work finish within
 * shutdown.timeout.ms, commit, close) and then closes the engine.
 */
public final class EngineService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);

    private final ServiceConfig config;
    private final InferenceEngine engine;
    private final ServiceMetrics metrics;
    private final TopicProvisioner provisioner;
    private final ConsumerLoop loop;
    private final Thread thread;
    private final JobControlReader jobControl;
    private final Thread jobControlThread;
    private final ClusterProbe cluster;
    private final EngineHealth health;
    private final MetricsEndpoint endpoint;
    private boolean closed;

    private EngineService(ServiceConfig config, InferenceEngine engine, RecordErrorHandler errorHandler) {
        this.config = config;
        this.engine = engine;
        this.metrics = new ServiceMetrics(config.metricsAdapterLabelsMax());
        config.requireInFlightWithin(engine.maxWaitingRequests());
        DeadLetterSizing sizing = new DeadLetterSizing(config.dlqMaxValueBytes());
        if (sizing.maxRecordBytes() > config.producerMaxRequestSize()) {
            throw new ConfigException(ServiceConfig.DLQ_MAX_VALUE_BYTES_CONFIG, config.dlqMaxValueBytes(), "a dead letter could take "
                    + sizing.maxRecordBytes() + " bytes, more than the producer's max.request.size of " + config.producerMaxRequestSize()
                    + " (" + ServiceConfig.PRODUCER_PREFIX + "max.request.size): lower it or raise that");
        }
        BrokerClients clients = new BrokerClients(config);
        this.provisioner = new TopicProvisioner(clients.admin(), config.topicsAutoCreate(), config.topicsPartitions(),
                config.topicsReplicationFactor());
        // Without a dead-letter topic no bad record could be set aside, so every transaction holding one would abort.
        if (!provisioner.ensureWaiting(config.dlqTopic())) {
            provisioner.close();
            throw new IllegalStateException("dead-letter topic " + config.dlqTopic() + " does not exist and "
                    + ServiceConfig.TOPICS_AUTO_CREATE_CONFIG + " is false: create it first (bin/loraq topics --create)");
        }
        engine.observe(metrics.engineObserver());
        CancelledJobs cancelledJobs = new CancelledJobs(config.jobControlRetentionMs());
        AvroDeserializer<JobControl> controls = new AvroDeserializer<>(JobControl.class);
        controls.configure(config.deserializerSettings(), false);
        this.jobControl = new JobControlReader(config.jobControlTopic(), clients::controlConsumer, controls, cancelledJobs,
                config.workerId(), Clock.systemUTC());
        this.jobControlThread = new Thread(jobControl, "loraq-job-control-" + config.workerId());
        jobControlThread.setDaemon(true);
        this.loop = new ConsumerLoop(config, clients, engine, metrics, errorHandler, provisioner, cancelledJobs);
        this.thread = new Thread(loop, "loraq-consumer-" + config.workerId());
        this.cluster = new ClusterProbe(clients.admin(), config.bootstrapServers(), config.healthProbeIntervalMs());
        this.health = new EngineHealth(loop, cluster, config.healthStallTimeoutMs());
        this.endpoint = config.metricsPort() < 0 ? null : new MetricsEndpoint(config.metricsHost(), config.metricsPort(),
                metrics::scrape, health::livenessProblem, health::readinessProblem);
    }

    /**
     * Starts the service on an opened engine, which the service closes on {@link #close}, with the record error
     * handler its configuration names ({@value ServiceConfig#RECORD_ERROR_HANDLER_CONFIG}).
     */
    public static EngineService start(ServiceConfig config, InferenceEngine engine) {
        return start(config, engine, config.recordErrorHandler());
    }

    public static EngineService start(ServiceConfig config, InferenceEngine engine, RecordErrorHandler errorHandler) {
        logHeap(config, engine);
        EngineService service = new EngineService(config, engine, errorHandler);
        service.jobControlThread.start();
        service.thread.start();
        LOG.info("engine service started worker={} model={} metrics={}", config.workerId(), engine.modelId(),
                service.endpoint == null ? "off" : config.metricsHost() + ":" + service.endpoint.port());
        return service;
    }

    /** Whether the engine can take work (see {@link EngineHealth#readinessProblem()}). */
    /** Records read and not yet committed, each as bytes, decoded request and output, at a typical prompt size. */
    private static final long QUEUED_RECORD_BYTES = 3 * 16 * 1024;

    private static void logHeap(ServiceConfig config, InferenceEngine engine) {
        long need = engine.heapNeededBytes() + config.maxQueuedRecords() * QUEUED_RECORD_BYTES;
        long max = Runtime.getRuntime().maxMemory();
        if (max < need) {
            LOG.warn("heap max={} MB is below the {} MB this configuration needs (engine {} MB + {} queued records); set LORAQ_HEAP, "
                    + "docs/operations.md Heap of the CPU engine", max >> 20, need >> 20, engine.heapNeededBytes() >> 20, config.maxQueuedRecords());
        } else {
            LOG.info("heap max={} MB, this configuration needs about {} MB (engine {} MB + {} queued records)", max >> 20, need >> 20,
                    engine.heapNeededBytes() >> 20, config.maxQueuedRecords());
        }
    }

    public boolean isReady() {
        return health.readinessProblem() == null;
    }

    /** Whether the engine is alive (see {@link EngineHealth#livenessProblem()}). */
    public boolean isHealthy() {
        return health.livenessProblem() == null;
    }

    /** The bound metrics port, or -1 when the endpoint is off. */
    public int metricsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    /** Blocks until the consumer loop ends (after {@link #close} from another thread, or a fatal error). */
    public void awaitTermination() throws InterruptedException {
        thread.join();
    }

    /** The fatal error that stopped the consumer loop, if any. */
    public Throwable failure() {
        return loop.failure();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.stop();
        try {
            if (!loop.awaitStopped(config.shutdownTimeoutMs() + 30_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("consumer loop did not stop in time worker={}", config.workerId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobControl.stop();
        try {
            jobControlThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        cluster.close();
        provisioner.close();
        engine.close();
        LOG.info("engine service closed worker={}", config.workerId());
    }

    /** Counts the online API's per-tenant usage on this service's metrics endpoint. */
    public void countOnlineUsage(TenantUsage usage) {
        metrics.onlineUsage(usage);
    }
}
