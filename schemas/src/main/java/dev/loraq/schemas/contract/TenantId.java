package dev.loraq.schemas.contract;

import java.util.regex.Pattern;

/**
 * The one rule for tenant ids: 1-100 characters of A-Z a-z 0-9 '_' '-', the first a letter or digit. A tenant id
 * becomes part of a topic name (and may name a folder or file), so the rule admits only characters legal in topic
 * names, no '.' (no "." or ".." path segment, no tenant whose topic looks like another's with a suffix), and no
 * leading '-' (never read as a command-line option).
 */
public final class TenantId {

    public static final int MAX_LENGTH = 100;
    /** The rule as a regular expression that must match the whole id. */
    public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9_-]{0," + (MAX_LENGTH - 1) + "}";
    /** The rule in words, for error messages. */
    public static final String RULE = "1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 _ -, starting with a letter or digit";

    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private TenantId() {
    }

    /** Whether {@code id} follows the rule (false for null). */
    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
