package dev.loraq.tools.cli;

import dev.loraq.tools.acl.AclInstaller;
import dev.loraq.tools.acl.DeploymentAcl;
import dev.loraq.tools.acl.DeploymentAcls;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.BrokerProbe;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code loraq acls}: the ACLs that wall tenants off from each other, for the engine, each tenant and the tools,
 * written through the Admin API (idempotent) or only printed (--dry-run).
 */
@Command(name = "acls", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the ALLOW ACLs a loraq deployment needs (brokers with an authorizer and "
                + "allow.everyone.if.no.acl.found=false): the engine reads loraq.prompts in its group and writes every "
                + "tenant's completion topic (output.topic.pattern, default loraq.completions.<tenant>) and the dead-letter "
                + "topic (dlq.topic) in its transactions; a tenant writes loraq.prompts and loraq.jobs and reads only its own "
                + "completion topic in its own group; the tools read what collect, watch, jobs and dlq report on and run the "
                + "job-progress service.",
                "Existing ACLs are kept and reported as present; nothing is ever deleted. Run as a principal with ALTER on "
                        + "the cluster (a super user). docs/security.md explains each ACL.",
                "Example: loraq acls --engine-principal User:engine --tools-principal User:tools --tenant acme --tenant globex "
                        + "--tenant-principal User:globex-app --dry-run"},
        footer = "Output: one line per ACL: principal ALLOW operation RESOURCE_TYPE:PATTERN_TYPE:name host=H  # role: why; "
                + "without --dry-run each line starts with 'created' or 'present'.")
final class AclsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--engine-principal", paramLabel = "PRINCIPAL",
            description = "Principal of the consumer engine (loraq-engine run), e.g. User:engine.")
    String enginePrincipal;

    @Option(names = "--engine-group", paramLabel = "GROUP", defaultValue = DeploymentAcls.ENGINE_GROUP_DEFAULT,
            description = "The engine's group.id. Default: ${DEFAULT-VALUE}.")
    String engineGroup;

    @Option(names = "--engine-creates-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "The engine runs with topics.auto.create=true (its default) and needs CREATE on the completion "
                    + "and dead-letter topics; --no-engine-creates-topics when topics are created beforehand (loraq topics --create).")
    boolean engineCreatesTopics;

    @Option(names = "--tools-principal", paramLabel = "PRINCIPAL",
            description = "Principal of the operator's tools (collect, watch, jobs, dlq, progress-service), e.g. User:tools.")
    String toolsPrincipal;

    @ArgGroup(exclusive = false, multiplicity = "0..*", heading = "Tenants (repeat the group for each tenant):%n")
    List<TenantOptions> tenants = new ArrayList<>();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "*",
            description = "Host the ACLs allow connections from. Default: ${DEFAULT-VALUE} (any).")
    String host;

    @Option(names = "--dry-run", description = "Print the ACL bindings and exit; connects to nothing.")
    boolean dryRun;

    static final class TenantOptions {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "A tenant id.")
        String tenant;

        @Option(names = "--tenant-principal", paramLabel = "PRINCIPAL",
                description = "The tenant's principal. Default: User:<TENANT>.")
        String principal;

        @Option(names = "--tenant-group", paramLabel = "GROUP",
                description = "The consumer group the tenant reads its completions in. Default: " + DeploymentAcls.TENANT_GROUP_PREFIX + "<TENANT>.")
        String group;
    }

    @Override
    public Integer call() {
        if (enginePrincipal == null && toolsPrincipal == null && tenants.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "nothing to do: give --engine-principal, --tools-principal and/or --tenant");
        }
        ToolsConfig config = connection.toolsConfig();
        DeploymentAcls acls = new DeploymentAcls(host, config.outputTopicPattern());
        if (enginePrincipal != null) {
            acls.engine(principal("--engine-principal", enginePrincipal), engineGroup, config.dlqTopic(), engineCreatesTopics);
        }
        for (TenantOptions tenant : tenants) {
            try {
                ToolsConfig.requireTenant("--tenant", tenant.tenant);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            String principal = tenant.principal != null ? principal("--tenant-principal", tenant.principal) : "User:" + tenant.tenant;
            acls.tenant(tenant.tenant, principal, tenant.group != null ? tenant.group : DeploymentAcls.TENANT_GROUP_PREFIX + tenant.tenant);
        }
        if (toolsPrincipal != null) {
            acls.tools(principal("--tools-principal", toolsPrincipal), config.progressApplicationId(), config.usageApplicationId(),
                    config.dlqTopic());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            acls.acls().forEach(acl -> out.println(acl.describe()));
            return ExitCodes.OK;
        }
        try (Admin admin = BrokerProbe.admin(config.kafkaClientConfig())) {
            BrokerProbe.requireReachable(admin, config.bootstrapServers(), config.kafkaTimeoutMs());
            List<AclInstaller.Outcome> outcomes = new AclInstaller(admin, config.bootstrapServers(), config.kafkaTimeoutMs()).apply(acls.acls());
            outcomes.forEach(outcome -> out.println(outcome.describe()));
            long created = outcomes.stream().filter(o -> !o.existed()).count();
            spec.commandLine().getErr().println("loraq acls: " + created + " created, " + (outcomes.size() - created) + " already present");
        }
        return ExitCodes.OK;
    }

    /** Checks TYPE:NAME (e.g. User:acme), as the broker parses principals. */
    private String principal(String option, String value) {
        int colon = value == null ? -1 : value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ParameterException(spec.commandLine(), option + " must be TYPE:NAME, e.g. User:acme, got '" + value + "'");
        }
        return new KafkaPrincipal(value.substring(0, colon), value.substring(colon + 1)).toString();
    }

}
