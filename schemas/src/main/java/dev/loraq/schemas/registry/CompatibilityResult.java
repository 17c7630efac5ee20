package dev.loraq.schemas.registry;

import java.util.List;

/** Answer of a compatibility test; messages are the registry's reasons when it gives them. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
