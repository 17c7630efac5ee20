package dev.loraq.tools.format;

import java.util.regex.Pattern;

/**
 * Which adapter ids a job file may name: they become Kafka keys and, on the engine side, folder names, so the rule
 * is the engine's ({@code dev.loraq.engine.lora.AdapterId}): 1-128 ASCII letters, digits, '.', '_' and '-', not
 * starting with '.' or '-'. Checking it here refuses a bad id before anything is published instead of turning it
 * into an error completion later. Whether the adapter exists is the engine's concern (an error completion).
 */
final class AdapterIdSyntax {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private AdapterIdSyntax() {
    }

    /** Why the id is not allowed, or null when it is. */
    static String problem(String field, String id) {
        if (!ID.matcher(id).matches()) {
            return "field " + field + " is '" + id + "': an adapter id is 1-128 characters of A-Z a-z 0-9 . _ -, "
                    + "not starting with '.' or '-'";
        }
        return null;
    }
}
