package dev.loraq.tools.kafka;

import java.util.TreeSet;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * Turns Kafka's authentication and authorization errors into a {@link PipelineException} whose message names the
 * operation and the resource that was refused. Kafka's own messages name the resource at best ("Not authorized to
 * access topics: [t]"), never the operation the command needed.
 */
public final class AccessDenied {

    private AccessDenied() {
    }

    /** The authentication or authorization error in {@code e} or its causes; null when there is none. */
    public static RuntimeException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException || t instanceof AuthenticationException) {
                return (RuntimeException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * @param operation what the command needed on the resource(s) Kafka refused
     * @param resource  the resource in words when Kafka does not name it (e.g. "topic loraq.jobs"), for the message
     */
    public static PipelineException of(RuntimeException e, String bootstrapServers, AclOperation operation, String resource) {
        return of(e, bootstrapServers, operation, resource, null);
    }

    /** As above, the message ending with {@code consequence} (e.g. "nothing was published") when it is not null. */
    public static PipelineException of(RuntimeException e, String bootstrapServers, AclOperation operation, String resource,
                                       String consequence) {
        String ending = consequence == null ? "" : "; " + consequence;
        if (e instanceof AuthenticationException) {
            return new PipelineException(PipelineException.Kind.NOT_AUTHORIZED, "authentication to " + bootstrapServers
                    + " failed (" + e.getMessage() + "); check the SASL settings (-c kafka.client.sasl.jaas.config=..., "
                    + "kafka.client.sasl.mechanism, kafka.client.security.protocol)" + ending, e);
        }
        String refused = switch (e) {
            case TopicAuthorizationException topics when topics.unauthorizedTopics() != null && !topics.unauthorizedTopics().isEmpty() ->
                    "topic " + String.join(", ", new TreeSet<>(topics.unauthorizedTopics()));
            case GroupAuthorizationException group -> "group " + (group.groupId() != null ? group.groupId() : resource);
            default -> resource;
        };
        return new PipelineException(PipelineException.Kind.NOT_AUTHORIZED, "not authorized: " + operation + " on " + refused
                + " was refused by " + bootstrapServers + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "); the principal needs an ALLOW " + operation + " ACL for it (see: loraq acls --help)" + ending, e);
    }
}
