package dev.loraq.batchapi.batches;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Batch ids: {@code batch_} and 32 hex digits, the job id of the batch's job; checked before any lookup. */
public final class BatchId {

    private static final Pattern ID = Pattern.compile("batch_[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private BatchId() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "batch_" + HexFormat.of().formatHex(bytes);
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
