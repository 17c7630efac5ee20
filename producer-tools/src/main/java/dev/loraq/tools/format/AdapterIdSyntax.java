package dev.loraq.tools.format;

import java.util.regex.Pattern;

/**
 * Which adapter ids a job file may name: they become Kafka keys and, on the engine side, folder names, so only
 * plain path-safe characters are allowed. Whether the adapter exists is the engine's concern (an error completion).
 */
final class AdapterIdSyntax {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");

    private AdapterIdSyntax() {
    }

    /** Why the id is not allowed, or null when it is. */
    static String problem(String field, String id) {
        if (!ID.matcher(id).matches() || id.contains("..") || id.endsWith("/")) {
            return "field " + field + " is '" + id + "': an adapter id is 1-128 characters of A-Z a-z 0-9 . _ - /, "
                    + "starting with a letter or digit, without '..' or a trailing '/'";
        }
        return null;
    }
}
