package dev.loraq.engine.api;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request-level error: the request itself is wrong or refers to something that cannot be served, or the engine
 * refused it for load ({@link ErrorCode#OVERLOADED}), so it is answered with an error instead of a completion while
 * the engine keeps serving everything else.
 * The message names the offending field or file and value, for the operator's log; {@link #tenantMessage()} is the
 * same without the server's file system paths, for the tenant.
 */
public class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An absolute path: a slash-separated run of segments; the last segment is kept. */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.])(?:/[^/\\s'\"(),;]+)+/?");

    private final ErrorCode code;

    public InvalidRequestException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public InvalidRequestException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The machine-readable reason. */
    public ErrorCode code() {
        return code;
    }

    /** The message with every absolute path cut to its last segment (a file or folder name): what a tenant may read. */
    public String tenantMessage() {
        String message = getMessage();
        if (message == null) {
            return code.name().toLowerCase(java.util.Locale.ROOT);
        }
        Matcher m = ABSOLUTE_PATH.matcher(message);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String path = m.group();
            String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            m.appendReplacement(b, Matcher.quoteReplacement(trimmed.substring(trimmed.lastIndexOf('/') + 1)));
        }
        m.appendTail(b);
        return b.toString();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
    }
}
