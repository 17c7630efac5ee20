package dev.loraq.openai.http.auth;

/**
 * Who sent a request: the tenant its API key acts for, and whether the key is an operator's.
 *
 * @param tenant the tenant id
 * @param admin whether the caller may load and unload adapters and use adapters of no tenant
 * @param allAdapters whether the caller may use every adapter (auth off)
 */
public record Caller(String tenant, boolean admin, boolean allAdapters) {

    /** The caller when online.auth=off: one local operator who may do everything. */
    public static final Caller LOCAL = new Caller("local", true, true);
}
