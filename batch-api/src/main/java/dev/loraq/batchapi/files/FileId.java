package dev.loraq.batchapi.files;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File ids, checked before they reach a topic: an uploaded file is {@code file-} and 32 hex digits; a batch's output
 * and error files are derived from the batch id ({@code file-output-BATCH}, {@code file-errors-BATCH}), made from the
 * batch's results when downloaded and never stored.
 */
public final class FileId {

    /** What a file id names. */
    public enum Kind { UPLOAD, OUTPUT, ERRORS }

    /** A parsed id: its kind and, for OUTPUT and ERRORS, the batch id. */
    public record Parsed(Kind kind, String id, String batchId) {
    }

    private static final Pattern UPLOAD = Pattern.compile("file-[0-9a-f]{32}");
    private static final Pattern DERIVED = Pattern.compile("file-(output|errors)-(batch_[0-9a-f]{32})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileId() {
    }

    public static String newUpload() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "file-" + HexFormat.of().formatHex(bytes);
    }

    public static String output(String batchId) {
        return "file-output-" + batchId;
    }

    public static String errors(String batchId) {
        return "file-errors-" + batchId;
    }

    /** The id's kind, or empty when it is no id this server makes (so nothing is looked up). */
    public static Optional<Parsed> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        if (UPLOAD.matcher(id).matches()) {
            return Optional.of(new Parsed(Kind.UPLOAD, id, null));
        }
        Matcher m = DERIVED.matcher(id);
        if (m.matches()) {
            return Optional.of(new Parsed(m.group(1).equals("output") ? Kind.OUTPUT : Kind.ERRORS, id, m.group(2)));
        }
        return Optional.empty();
    }
}
