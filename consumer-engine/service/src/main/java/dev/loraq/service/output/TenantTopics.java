package dev.loraq.service.output;

import java.util.regex.Pattern;

/**
 * Maps a tenant id to its completions topic. Only ids that match the configured pattern in full get a topic, so a
 * tenant id can never name another tenant's topic or an arbitrary one.
 */
public final class TenantTopics {

    public static final String PLACEHOLDER = "{tenant}";

    private final String pattern;
    private final Pattern tenantIdPattern;

    public TenantTopics(String topicPattern, Pattern tenantIdPattern) {
        if (!topicPattern.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("Output topic pattern '" + topicPattern + "' lacks " + PLACEHOLDER);
        }
        this.pattern = topicPattern;
        this.tenantIdPattern = tenantIdPattern;
    }

    /** Whether a tenant id is present and safe to use in a topic name. */
    public boolean isValidTenant(String tenantId) {
        return tenantId != null && !tenantId.isEmpty() && tenantIdPattern.matcher(tenantId).matches();
    }

    /** Why a tenant id is refused, for the dead letter. */
    public String whyInvalid(String tenantId) {
        if (tenantId == null || tenantId.isEmpty()) {
            return "tenant_id is empty";
        }
        return "tenant_id '" + tenantId + "' does not match the tenant id pattern " + tenantIdPattern.pattern();
    }

    /** The completions topic of a valid tenant. */
    public String topicFor(String tenantId) {
        if (!isValidTenant(tenantId)) {
            throw new IllegalArgumentException(whyInvalid(tenantId));
        }
        return pattern.replace(PLACEHOLDER, tenantId);
    }
}
