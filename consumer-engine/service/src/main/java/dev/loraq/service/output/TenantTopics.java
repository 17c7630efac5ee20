package dev.loraq.service.output;

import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.TenantId;
import java.util.regex.Pattern;

/**
 * Maps a tenant id to its completions topic. Only ids that follow the pipeline's tenant id rule ({@link TenantId})
 * and match the configured pattern in full get a topic, so a tenant id can never name another tenant's topic or an
 * arbitrary one, and the tools find every topic the service writes.
 */
public final class TenantTopics {

    private final OutputTopicPattern outputs;
    private final Pattern tenantIdPattern;

    /** @throws IllegalArgumentException when {@code topicPattern} is not a usable {@link OutputTopicPattern} */
    public TenantTopics(String topicPattern, Pattern tenantIdPattern) {
        this.outputs = OutputTopicPattern.of(topicPattern);
        this.tenantIdPattern = tenantIdPattern;
    }

    /** Whether a tenant id is present and safe to use in a topic name. */
    public boolean isValidTenant(String tenantId) {
        return TenantId.isValid(tenantId) && tenantIdPattern.matcher(tenantId).matches();
    }

    /** Why a tenant id is refused, for the dead letter. */
    public String whyInvalid(String tenantId) {
        if (tenantId == null || tenantId.isEmpty()) {
            return "tenant_id is empty";
        }
        if (!TenantId.isValid(tenantId)) {
            return "tenant_id '" + tenantId + "' breaks the tenant id rule: " + TenantId.RULE;
        }
        return "tenant_id '" + tenantId + "' does not match the tenant id pattern " + tenantIdPattern.pattern();
    }

    /** The completions topic of a valid tenant. */
    public String topicFor(String tenantId) {
        if (!isValidTenant(tenantId)) {
            throw new IllegalArgumentException(whyInvalid(tenantId));
        }
        return outputs.topicFor(tenantId);
    }
}
