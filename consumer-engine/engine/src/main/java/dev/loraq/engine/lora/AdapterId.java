package dev.loraq.engine.lora;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

/**
 * The name of a LoRA adapter as requests give it; also its folder name in a {@link LocalFolderAdapterSource}.
 *
 * <p>Valid ids (checked before anything touches the file system):
 * <ul>
 *   <li>1 to {@value #MAX_LENGTH} characters</li>
 *   <li>only ASCII letters {@code A-Z a-z}, digits {@code 0-9}, dot {@code .}, underscore {@code _} and hyphen
 *       {@code -}</li>
 *   <li>not starting with {@code .} or {@code -} (so never "." or "..", hidden files or option-like names)</li>
 * </ul>
 * This rules out path separators ({@code /} and {@code \}), absolute paths, drive letters ({@code :}), NUL and
 * other control characters, whitespace, and every non-ASCII character (unicode lookalikes such as fullwidth
 * solidus or one-dot leader cannot pass).
 *
 * @param value the id
 */
public record AdapterId(String value) {

    public static final int MAX_LENGTH = 128;

    public AdapterId {
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ADAPTER_ID,
                    "invalid adapter id " + quote(value) + ": " + problem);
        }
    }

    /**
     * Validates and wraps an id.
     *
     * @throws InvalidRequestException with {@link ErrorCode#INVALID_ADAPTER_ID} naming the id and the rule broken
     */
    public static AdapterId of(String value) {
        return new AdapterId(value);
    }

    /** Whether {@code value} would be accepted by {@link #of}. */
    public static boolean isValid(String value) {
        return problem(value) == null;
    }

    @Override
    public String toString() {
        return value;
    }

    private static String problem(String value) {
        if (value == null) {
            return "must not be null";
        }
        if (value.isEmpty()) {
            return "must not be empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters, got " + value.length();
        }
        char first = value.charAt(0);
        if (first == '.' || first == '-') {
            return "must not start with '" + first + "'";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return "character " + describe(c) + " at index " + i
                        + " is not allowed (only A-Z a-z 0-9 . _ -)";
            }
        }
        return null;
    }

    private static String describe(char c) {
        String code = String.format("U+%04X", (int) c);
        return c >= 0x20 && c < 0x7F ? "'" + c + "' (" + code + ")" : code;
    }

    /** Quotes an id for a message, escaping control and non-ASCII characters so the message stays readable. */
    private static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("'");
        int limit = Math.min(value.length(), MAX_LENGTH + 16);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        if (limit < value.length()) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
