package dev.loraq.batchapi;

import dev.loraq.batchapi.batches.Batches;
import dev.loraq.batchapi.config.BatchApiConfig;
import dev.loraq.batchapi.files.BatchFiles;
import dev.loraq.batchapi.files.FileTopic;
import dev.loraq.batchapi.files.InputFileValidator;
import dev.loraq.batchapi.http.BatchesHandler;
import dev.loraq.batchapi.http.FilesHandler;
import dev.loraq.openai.http.ApiListener;
import dev.loraq.openai.http.auth.ApiKeyFile;
import dev.loraq.openai.http.auth.Authenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI Batch HTTP API over Kafka (JDK HttpServer, a virtual thread per exchange). Files live in the
 * files topic, batches are jobs in the pipeline's topics: the server holds nothing, so instances behind a load
 * balancer answer alike and a restart loses nothing.
 */
public final class BatchApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchApiServer.class);

    private final ApiListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BatchApiServer(BatchApiConfig config) throws IOException {
        Authenticator auth = new Authenticator(new ApiKeyFile(config.keysFile(), config.keysReloadMs()));
        FileTopic topic = new FileTopic(config.tools(), config.filesTopic(), config.fileChunkBytes());
        topic.requireTopic();
        InputFileValidator validator = new InputFileValidator(config.tools().baseModelAlias());
        Clock clock = Clock.systemUTC();
        BatchFiles files = new BatchFiles(topic, validator, clock);
        Batches batches = new Batches(config.tools(), validator, Duration.ofMillis(config.collectTimeoutMs()), clock);
        this.listener = ApiListener.start(config.listenAddress(), config.port(), "loraq-batch-api-", List.of(
                new FilesHandler(auth, files, batches, config.maxUploadBytes()),
                new BatchesHandler(auth, files, batches, config.maxBodyBytes())));
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
        return listener.port();
    }

    /** Stops the listener; open exchanges get a second to finish. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close();
        log.info("batch api stopped port={}", port());
    }
}
