package dev.loraq.engine.delivery;

import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The engine's delivery threads: every result, failure and token delta leaves the engine here, off the scheduler
 * thread. A request's events run on a virtual thread ({@code loraq-delivery-N}) while it has some queued, so a
 * listener or future callback that blocks (a slow client socket) parks only its own thread: other requests and the
 * batch go on.
 */
public final class DeliveryExecutor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryExecutor.class);
    /** How long {@link #close} waits for deliveries still running (a stuck listener) before interrupting them. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final ExecutorService threads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("loraq-delivery-", 0).factory());

    /** The way out for one request. */
    public RequestDelivery open(String requestId, GenerationListener listener,
                                CompletableFuture<GenerationResult> future) {
        return new RequestDelivery(requestId, listener, future, threads);
    }

    /**
     * Lets queued deliveries finish (call after the scheduler has stopped, so the last results are queued); after
     * {@link #CLOSE_TIMEOUT} the ones still running are interrupted. Later deliveries run on the caller's thread.
     */
    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("deliveries still running after {} s at close (a listener or future callback blocks); "
                        + "interrupting them", CLOSE_TIMEOUT.toSeconds());
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
