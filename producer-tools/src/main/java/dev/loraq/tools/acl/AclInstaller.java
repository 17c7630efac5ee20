package dev.loraq.tools.acl;

import dev.loraq.tools.kafka.PipelineException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ACL bindings through the Admin API, idempotently: bindings already present are left alone and reported as
 * such, so a second run creates nothing. Never deletes.
 */
public final class AclInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(AclInstaller.class);

    private final Admin admin;
    private final String bootstrapServers;
    private final int timeoutMs;

    public AclInstaller(Admin admin, String bootstrapServers, int timeoutMs) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeoutMs = timeoutMs;
    }

    /** Whether a binding was there before this run. */
    public record Outcome(DeploymentAcl acl, boolean existed) {
        public String describe() {
            return (existed ? "present  " : "created  ") + acl.describe();
        }
    }

    public List<Outcome> apply(Collection<DeploymentAcl> acls) {
        Set<AclBinding> existing = existing();
        List<AclBinding> missing = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (DeploymentAcl acl : acls) {
            boolean present = existing.contains(acl.binding());
            outcomes.add(new Outcome(acl, present));
            if (!present && !missing.contains(acl.binding())) {
                missing.add(acl.binding());
            }
        }
        if (!missing.isEmpty()) {
            try {
                admin.createAcls(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw failure("create " + missing.size() + " ACL(s)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("create ACLs", e);
            }
        }
        awaitVisible(missing);
        LOG.info("acls applied created={} present={}", missing.size(), acls.size() - missing.size());
        return outcomes;
    }

    /**
     * Waits until the brokers list the new bindings: createAcls returns once the controller has them, and a broker's
     * authorizer applies them a moment later, so a client started right after this run could still be refused.
     */
    private void awaitVisible(List<AclBinding> created) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!created.isEmpty() && !existing().containsAll(created)) {
            if (System.nanoTime() > deadline) {
                throw new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "created " + created.size()
                        + " ACL(s) on " + bootstrapServers + " but the brokers did not list them within " + timeoutMs + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("wait for the new ACLs", e);
            }
        }
    }

    private Set<AclBinding> existing() {
        try {
            return new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get(timeoutMs, TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw failure("list the existing ACLs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("list the existing ACLs", e);
        }
    }

    private PipelineException failure(String what, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof SecurityDisabledException) {
            return new PipelineException(PipelineException.Kind.NOT_AUTHORIZED, "cannot " + what + " on " + bootstrapServers
                    + ": the brokers have no authorizer (authorizer.class.name is not set), so ACLs cannot be written; "
                    + "use --dry-run to print them", cause);
        }
        if (cause instanceof ClusterAuthorizationException) {
            return new PipelineException(PipelineException.Kind.NOT_AUTHORIZED, "cannot " + what + " on " + bootstrapServers
                    + ": this principal lacks " + (what.startsWith("list") ? "DESCRIBE" : "ALTER")
                    + " on the cluster; run as a super user or a principal with that right (-c kafka.client.sasl.jaas.config=...)", cause);
        }
        return new PipelineException(PipelineException.Kind.BROKER_UNAVAILABLE, "cannot " + what + " on " + bootstrapServers
                + " within " + timeoutMs + " ms: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
}
