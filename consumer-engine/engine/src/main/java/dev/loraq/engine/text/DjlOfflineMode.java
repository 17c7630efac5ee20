package dev.loraq.engine.text;

import java.nio.file.Path;

/**
 * Puts DJL into offline mode before any DJL class is loaded.
 *
 * <p>Without {@code ai.djl.offline=true} every tokenizer load makes HTTP calls (telemetry to a cloud metadata
 * address, and on a GPU machine a download of a CUDA build of the native library). The engine must never send
 * traffic off the machine, so {@link Tokenizer} calls {@link #ensure()} from its static initializer, which runs
 * before its first use of a DJL class. Launchers should still pass {@code -Dai.djl.offline=true}; this is the
 * library-level guarantee for callers that forget.
 *
 * <p>The native tokenizers library is extracted from the jar into DJL's cache dir. When neither the
 * {@code DJL_CACHE_DIR} system property nor the environment variable is set, it is pointed at
 * {@code ~/.cache/loraq/djl} so that it sits with other caches instead of a dot folder in the home directory.
 */
public final class DjlOfflineMode {

    /** The system property DJL reads (also the environment variable DJL_OFFLINE). */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** Stops DJL's telemetry even if offline mode were switched off later. */
    public static final String OPT_OUT_TRACKING_PROPERTY = "OPT_OUT_TRACKING";
    /** Where DJL extracts its native library (system property or environment variable). */
    public static final String CACHE_DIR_PROPERTY = "DJL_CACHE_DIR";

    static {
        apply();
    }

    private DjlOfflineMode() {
    }

    /** Idempotent; the work is done once by the static initializer. */
    public static void ensure() {
        // Loading this class ran apply(); a property cleared since then is set again.
        if (!isOffline()) {
            apply();
        }
    }

    /** Whether DJL will see offline mode on. */
    public static boolean isOffline() {
        return Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY));
    }

    private static synchronized void apply() {
        System.setProperty(OFFLINE_PROPERTY, "true");
        if (System.getProperty(OPT_OUT_TRACKING_PROPERTY) == null) {
            System.setProperty(OPT_OUT_TRACKING_PROPERTY, "true");
        }
        if (System.getProperty(CACHE_DIR_PROPERTY) == null && System.getenv(CACHE_DIR_PROPERTY) == null) {
            Path dir = Path.of(System.getProperty("user.home"), ".cache", "loraq", "djl");
            System.setProperty(CACHE_DIR_PROPERTY, dir.toString());
        }
    }
}
