package dev.loraq.service.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start a graceful stop instead of the JVM's shutdown, so that a clean stop exits 0 (the JVM's
 * own handling always exits 143 or 130, which supervisors read as a failure). A second signal during the stop ends
 * the process at once.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Runs {@code stop} on its own thread at the first TERM or INT. */
    static void onStop(Runnable stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stopping.compareAndSet(false, true)) {
                    LOG.info("SIG{} received: stopping gracefully (send it again to stop at once)", signal.getName());
                    Thread thread = new Thread(stop, "loraq-stop");
                    thread.start();
                } else {
                    LOG.warn("SIG{} received again: stopping at once", signal.getName());
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
    }
}
