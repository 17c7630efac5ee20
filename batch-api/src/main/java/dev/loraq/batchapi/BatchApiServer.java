package dev.loraq.batchapi;

import com.sun.net.httpserver.HttpServer;
import dev.loraq.batchapi.batches.Batches;
import dev.loraq.batchapi.config.BatchApiConfig;
import dev.loraq.batchapi.files.BatchFiles;
import dev.loraq.batchapi.files.FileTopic;
import dev.loraq.batchapi.files.InputFileValidator;
import dev.loraq.batchapi.http.BatchesHandler;
import dev.loraq.batchapi.http.FilesHandler;
import dev.loraq.openai.http.ApiHandler;
import dev.loraq.openai.http.auth.ApiKeyFile;
import dev.loraq.openai.http.auth.Authenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI Batch HTTP API over Kafka (JDK {@link HttpServer}, a virtual thread per exchange). Files live in the
 * files topic, batches are jobs in the pipeline's topics: the server holds nothing, so instances behind a load
 * balancer answer alike and a restart loses nothing.
 */
public final class BatchApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchApiServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BatchApiServer(BatchApiConfig config) throws IOException {
        Authenticator auth = new Authenticator(new ApiKeyFile(config.keysFile(), config.keysReloadMs()));
        FileTopic topic = new FileTopic(config.tools(), config.filesTopic(), config.fileChunkBytes());
        topic.requireTopic();
        InputFileValidator validator = new InputFileValidator(config.tools().baseModelAlias());
        Clock clock = Clock.systemUTC();
        BatchFiles files = new BatchFiles(topic, validator, clock);
        Batches batches = new Batches(config.tools(), validator, Duration.ofMillis(config.collectTimeoutMs()), clock);
        this.server = HttpServer.create(new InetSocketAddress(config.listenAddress(), config.port()), 0);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("loraq-batch-api-", 0).factory());
        server.setExecutor(executor);
        for (ApiHandler h : List.of(new FilesHandler(auth, files, batches, config.maxUploadBytes()),
                new BatchesHandler(auth, files, batches, config.maxBodyBytes()))) {
            server.createContext(h.path(), h);
        }
        server.start();
        log.info("batch api listening address={} port={} filesTopic={} bootstrapServers={}", config.listenAddress(), port(),
                config.filesTopic(), config.tools().bootstrapServers());
    }

    /**
     * Starts listening.
     *
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalArgumentException when the keys file is unusable
     * @throws dev.loraq.tools.kafka.PipelineException when the broker or the files topic is missing
     */
    public static BatchApiServer start(BatchApiConfig config) {
        try {
            return new BatchApiServer(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.listenAddress() + ":" + config.port() + " ("
                    + BatchApiConfig.LISTEN_ADDRESS_CONFIG + ", " + BatchApiConfig.PORT_CONFIG + "): " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops the listener; open exchanges get a second to finish. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(1);
        executor.shutdownNow();
        log.info("batch api stopped port={}", port());
    }
}
