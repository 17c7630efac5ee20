package dev.loraq.engine.delivery;

import dev.loraq.engine.generation.GenerationListener;
import dev.loraq.engine.generation.GenerationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request's way out of the engine: its token deltas to its {@link GenerationListener} (if any), then its result
 * or failure to the listener and its future. The scheduler thread only queues events here; they run in order, one at
 * a time, on a thread of the delivery executor, so nothing a caller does with them can slow the batch.
 *
 * <p>The queue has no bound of its own: one request queues at most one event per generated token (max_tokens) plus
 * its finish, so a listener that falls behind holds its own request's deltas in memory and delays only its own
 * future. A listener that throws gets no further calls; the future still completes.
 */
public final class RequestDelivery {

    private static final Logger log = LoggerFactory.getLogger(RequestDelivery.class);

    private final String requestId;
    private final GenerationListener listener;
    private final CompletableFuture<GenerationResult> future;
    private final Executor executor;
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    /** Events queued and not yet run: the thread that raises it from 0 starts the drain, so one drain runs at a time. */
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean listenerFailed;

    /**
     * @param listener receives the deltas, or null
     * @param executor runs the drains; each drain may block for as long as a listener takes
     */
    public RequestDelivery(String requestId, GenerationListener listener, CompletableFuture<GenerationResult> future,
                           Executor executor) {
        this.requestId = requestId;
        this.listener = listener;
        this.future = future;
        this.executor = executor;
    }

    /** Whether deltas have somewhere to go; without a listener {@link #token} does nothing. */
    public boolean streams() {
        return listener != null;
    }

    /** A generated token and the text it released (possibly empty). */
    public void token(int tokenId, String textDelta, int index) {
        if (listener != null) {
            enqueue(() -> callListener("onToken", () -> listener.onToken(tokenId, textDelta, index)));
        }
    }

    /** The end: the listener gets the last held-back text and the result, then the future completes. */
    public void finish(String textDelta, GenerationResult result) {
        enqueue(() -> {
            if (listener != null) {
                callListener("onFinish", () -> listener.onFinish(textDelta, result));
            }
            future.complete(result);
        });
    }

    /** The request failed after it was accepted: the listener, then the future, on a delivery thread. */
    public void fail(Throwable error) {
        enqueue(() -> failNow(error));
    }

    /** A refusal at submission, delivered on the caller's thread before submit returns (nothing else was queued). */
    public void failNow(Throwable error) {
        if (listener != null) {
            callListener("onError", () -> listener.onError(error));
        }
        future.completeExceptionally(error);
    }

    private void enqueue(Runnable event) {
        events.add(event);
        if (queued.getAndIncrement() == 0) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The engine is closing and its delivery threads are gone: still complete the future, here.
                drain();
            }
        }
    }

    private void drain() {
        do {
            events.poll().run();
        } while (queued.decrementAndGet() != 0);
    }

    private void callListener(String call, Runnable body) {
        if (listenerFailed) {
            return;
        }
        try {
            body.run();
        } catch (Throwable t) {
            listenerFailed = true;
            log.warn("listener failed request={} call={}; it gets no further calls, the request goes on: {}",
                    requestId, call, t.toString(), t);
        }
    }
}
