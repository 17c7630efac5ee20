package dev.loraq.tools.acl;

import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** One ALLOW ACL a loraq deployment needs, with the role it serves and why. */
public record DeploymentAcl(String role, AclBinding binding, String reason) {

    static DeploymentAcl allow(String role, String principal, String host, AclOperation operation, ResourceType type,
                               String name, PatternType pattern, String reason) {
        return new DeploymentAcl(role, new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, host, operation, AclPermissionType.ALLOW)), reason);
    }

    /** {@code User:acme ALLOW WRITE TOPIC:LITERAL:loraq.prompts host=*  # tenant acme: ...}: one line, stable order of fields. */
    public String describe() {
        AccessControlEntry entry = binding.entry();
        ResourcePattern pattern = binding.pattern();
        return entry.principal() + " " + entry.permissionType() + " " + entry.operation() + " "
                + pattern.resourceType() + ":" + pattern.patternType() + ":" + pattern.name()
                + " host=" + entry.host() + "  # " + role + ": " + reason;
    }

    /** The operation and resource in words, for error messages: {@code READ on topic loraq.completions.acme}. */
    public static String operationOn(AclOperation operation, ResourceType type, String name) {
        return operation + " on " + type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + name;
    }
}
