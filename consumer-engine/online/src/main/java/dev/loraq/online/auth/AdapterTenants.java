package dev.loraq.online.auth;

import dev.loraq.openai.http.auth.Caller;
import java.util.Map;
import java.util.Optional;

/**
 * Which tenant owns an adapter: the configured mapping (online.adapter.tenants) first, then the naming rule
 * ({@code TENANT<separator>NAME}, online.adapter.tenant.separator). A tenant may use its own adapters and the base
 * model; admin keys may use every adapter; with auth off everyone may.
 */
public final class AdapterTenants {

    private final Map<String, String> mapping;
    private final String separator;

    public AdapterTenants(Map<String, String> mapping, String separator) {
        this.mapping = Map.copyOf(mapping);
        this.separator = separator == null ? "" : separator;
    }

    /** The owner of an adapter, if the mapping or the naming rule gives one. */
    public Optional<String> owner(String adapterId) {
        String mapped = mapping.get(adapterId);
        if (mapped != null) {
            return Optional.of(mapped);
        }
        if (separator.isEmpty()) {
            return Optional.empty();
        }
        int at = adapterId.indexOf(separator);
        return at > 0 ? Optional.of(adapterId.substring(0, at)) : Optional.empty();
    }

    /** Whether {@code caller} may use the adapter ({@code null}: the base model, which every caller may use). */
    public boolean mayUse(Caller caller, String adapterId) {
        if (adapterId == null || caller.allAdapters() || caller.admin()) {
            return true;
        }
        return owner(adapterId).filter(caller.tenant()::equals).isPresent();
    }
}
