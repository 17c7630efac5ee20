package dev.loraq.schemas.contract;

import java.util.regex.Pattern;

/**
 * Where a tenant's completions go: a topic name with one {@value #PLACEHOLDER} (default
 * {@value #DEFAULT_PATTERN}). The service writes to {@link #topicFor}; readers of every tenant's completions
 * subscribe to {@link #subscription()}, which matches exactly the topics the pattern gives valid tenant ids.
 */
public final class OutputTopicPattern {

    public static final String PLACEHOLDER = "{tenant}";
    public static final String DEFAULT_PATTERN = PipelineTopics.COMPLETIONS_PREFIX + PLACEHOLDER;
    /** Kafka's limit on a topic name's length. */
    static final int MAX_TOPIC_LENGTH = 249;
    private static final Pattern TOPIC_CHARACTERS = Pattern.compile("[A-Za-z0-9._-]*");
    // After TOPIC_CHARACTERS: of() needs it.
    public static final OutputTopicPattern DEFAULT = of(DEFAULT_PATTERN);

    private final String pattern;
    private final String prefix;
    private final String suffix;
    private final Pattern subscription;

    private OutputTopicPattern(String pattern, String prefix, String suffix) {
        this.pattern = pattern;
        this.prefix = prefix;
        this.suffix = suffix;
        this.subscription = Pattern.compile(quoted(prefix) + TenantId.REGEX + quoted(suffix));
    }

    /** The pattern, checked; an {@link IllegalArgumentException} says what is wrong with it. */
    public static OutputTopicPattern of(String pattern) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException("output topic pattern '" + pattern + "' " + problem);
        }
        int at = pattern.indexOf(PLACEHOLDER);
        return new OutputTopicPattern(pattern, pattern.substring(0, at), pattern.substring(at + PLACEHOLDER.length()));
    }

    /** Why {@code pattern} is not a usable output topic pattern, or null when it is. */
    public static String problem(String pattern) {
        if (pattern == null) {
            return "is missing";
        }
        int at = pattern.indexOf(PLACEHOLDER);
        if (at < 0) {
            return "lacks " + PLACEHOLDER + ", so that each tenant gets its own topic";
        }
        if (pattern.indexOf(PLACEHOLDER, at + 1) >= 0) {
            return "has " + PLACEHOLDER + " more than once";
        }
        String fixed = pattern.substring(0, at) + pattern.substring(at + PLACEHOLDER.length());
        if (!TOPIC_CHARACTERS.matcher(fixed).matches()) {
            return "may hold, besides " + PLACEHOLDER + ", only the characters of topic names: A-Z a-z 0-9 . _ -";
        }
        if (fixed.length() + TenantId.MAX_LENGTH > MAX_TOPIC_LENGTH) {
            return "is too long: with a tenant id of " + TenantId.MAX_LENGTH + " characters the topic name would exceed "
                    + MAX_TOPIC_LENGTH + " characters";
        }
        return null;
    }

    /** The completions topic of a tenant; an {@link IllegalArgumentException} when the id breaks {@link TenantId}'s rule. */
    public String topicFor(String tenantId) {
        if (!TenantId.isValid(tenantId)) {
            throw new IllegalArgumentException("tenant id '" + tenantId + "' must be " + TenantId.RULE);
        }
        return prefix + tenantId + suffix;
    }

    /** Matches the name of every tenant's completions topic under this pattern, and no other name. */
    public Pattern subscription() {
        return subscription;
    }

    /** The fixed text before {@value #PLACEHOLDER}: every tenant's topic starts with it (empty when the pattern does). */
    public String prefix() {
        return prefix;
    }

    /** The pattern as configured. */
    public String pattern() {
        return pattern;
    }

    private static String quoted(String literal) {
        return literal.isEmpty() ? "" : Pattern.quote(literal);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutputTopicPattern that && pattern.equals(that.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
