package dev.loraq.tools.acl;

import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.dlq.DeadLetterReplayer;
import dev.loraq.tools.submit.JobSubmitter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ALLOW ACLs of one loraq deployment, per principal: the engine, each tenant, and the tools. Nothing is granted
 * beyond what each role's clients do; READ and WRITE imply DESCRIBE in Kafka, so DESCRIBE is never listed apart.
 * Idempotent producers need no cluster right (WRITE on the topic suffices since Kafka 3.0).
 */
public final class DeploymentAcls {

    /** The engine's default consumer group ({@code group.id} of loraq-engine run). */
    public static final String ENGINE_GROUP_DEFAULT = "loraq-engine";
    /** Prefix of the engine's transactional ids, {@code loraq-engine-<worker.id>} (ServiceConfig.transactionalId()). */
    public static final String ENGINE_TRANSACTIONAL_ID_PREFIX = "loraq-engine-";
    /** Default consumer group of a tenant's own completion reader. */
    public static final String TENANT_GROUP_PREFIX = "loraq-tenant-";

    private final String host;
    private final OutputTopicPattern outputs;
    private final List<DeploymentAcl> acls = new ArrayList<>();

    /**
     * @param host    the host the ACLs allow connections from; {@code *} for any
     * @param outputs where the tenants' completions go; every tenant's topic is granted by its fixed prefix, so the
     *                pattern must not start with {@value OutputTopicPattern#PLACEHOLDER}
     */
    public DeploymentAcls(String host, OutputTopicPattern outputs) {
        if (outputs.prefix().isEmpty()) {
            throw new ConfigException(ToolsConfig.OUTPUT_TOPIC_PATTERN_CONFIG, outputs.pattern(), "loraq acls grants every tenant's "
                    + "completion topics by the pattern's fixed prefix, so the pattern must not start with " + OutputTopicPattern.PLACEHOLDER);
        }
        this.host = host;
        this.outputs = outputs;
    }

    /**
     * The consumer engine: reads prompts in its group, writes every tenant's completions and the dead letters in
     * transactions under {@code loraq-engine-<worker.id>}.
     *
     * @param createsTopics the engine runs with topics.auto.create=true (its default) and creates output topics itself
     */
    public DeploymentAcls engine(String principal, String group, String dlqTopic, boolean createsTopics) {
        String role = "engine";
        add(role, principal, READ, TOPIC, PipelineTopics.PROMPTS, LITERAL, "consume prompt requests");
        add(role, principal, READ, GROUP, group, LITERAL, "join its consumer group, commit offsets in its transactions");
        add(role, principal, WRITE, TOPIC, outputs.prefix(), PREFIXED, "write every tenant's completions");
        add(role, principal, WRITE, TOPIC, dlqTopic, LITERAL, "write dead letters");
        add(role, principal, READ, TOPIC, PipelineTopics.JOB_CONTROL, LITERAL,
                "learn of cancelled jobs (every instance reads the job-control topic from the beginning, outside the group)");
        add(role, principal, WRITE, TRANSACTIONAL_ID, ENGINE_TRANSACTIONAL_ID_PREFIX, PREFIXED,
                "exactly-once transactions, one transactional id per worker.id");
        if (createsTopics) {
            add(role, principal, CREATE, TOPIC, outputs.prefix(), PREFIXED,
                    "create a new tenant's completion topic on first use (topics.auto.create=true)");
            add(role, principal, CREATE, TOPIC, dlqTopic, LITERAL, "create the dead-letter topic on first use (topics.auto.create=true)");
        }
        return this;
    }

    /**
     * One tenant: submits jobs (prompts and manifest in one transaction) and reads only its own completion topic.
     * The tenant cannot read loraq.jobs (every tenant's manifests) nor loraq.prompts (every tenant's prompts).
     */
    public DeploymentAcls tenant(String tenantId, String principal, String group) {
        ToolsConfig.requireTenant("tenant", tenantId);
        String role = "tenant " + tenantId;
        add(role, principal, WRITE, TOPIC, PipelineTopics.PROMPTS, LITERAL, "submit prompt requests");
        add(role, principal, WRITE, TOPIC, PipelineTopics.JOBS, LITERAL, "submit job manifests");
        add(role, principal, WRITE, TRANSACTIONAL_ID, JobSubmitter.TRANSACTIONAL_ID_PREFIX, PREFIXED,
                "publish a job in one transaction (loraq-submit-<job id>)");
        add(role, principal, READ, TOPIC, outputs.topicFor(tenantId), LITERAL, "read its own completions, nobody else's");
        add(role, principal, READ, GROUP, group, LITERAL, "its own consumer group for reading its completions");
        return this;
    }

    /**
     * The operator's tools: collect and dlq list read everything they report on, the job-progress Kafka Streams
     * application reads manifests and completions and writes loraq.job-progress with its internal topics, the usage
     * application reads completions and writes loraq.usage with its own, usage reads loraq.usage, dlq replay writes
     * letters back to the prompts topic.
     */
    public DeploymentAcls tools(String principal, String progressApplicationId, String usageApplicationId, String dlqTopic) {
        String role = "tools";
        add(role, principal, READ, TOPIC, PipelineTopics.JOBS, LITERAL, "collect and the job-progress service read manifests");
        add(role, principal, READ, TOPIC, PipelineTopics.PROMPTS, LITERAL, "collect names missing requests from the prompt records");
        add(role, principal, READ, TOPIC, outputs.prefix(), PREFIXED, "collect, job progress and usage read every tenant's completions");
        add(role, principal, READ, TOPIC, PipelineTopics.JOB_PROGRESS, LITERAL, "watch and jobs read the progress table");
        add(role, principal, WRITE, TOPIC, PipelineTopics.JOB_PROGRESS, LITERAL, "the job-progress service writes the progress table");
        add(role, principal, WRITE, TOPIC, PipelineTopics.JOB_CONTROL, LITERAL, "loraq cancel records a job's cancellation");
        add(role, principal, READ, TOPIC, PipelineTopics.JOB_CONTROL, LITERAL, "the job-progress service reads cancellations (cancelling, cancelled)");
        streamsApplication(role, principal, progressApplicationId, "the job-progress service");
        add(role, principal, READ, TOPIC, PipelineTopics.USAGE, LITERAL, "usage reads the usage table");
        add(role, principal, WRITE, TOPIC, PipelineTopics.USAGE, LITERAL, "the usage service writes the usage table");
        streamsApplication(role, principal, usageApplicationId, "the usage service");
        add(role, principal, READ, TOPIC, dlqTopic, LITERAL, "dlq list and dlq replay read dead letters");
        add(role, principal, WRITE, TOPIC, PipelineTopics.PROMPTS, LITERAL, "dlq replay republishes prompt requests");
        add(role, principal, WRITE, TRANSACTIONAL_ID, DeadLetterReplayer.TRANSACTIONAL_ID_PREFIX + dlqTopic, LITERAL,
                "dlq replay publishes in one transaction");
        return this;
    }

    /** A Kafka Streams application's group, internal topics and exactly_once_v2 transactional ids. */
    private void streamsApplication(String role, String principal, String applicationId, String what) {
        add(role, principal, READ, GROUP, applicationId, LITERAL, what + "'s consumer group (application.id)");
        String internal = applicationId + "-";
        for (AclOperation operation : List.of(CREATE, READ, WRITE, DELETE, DESCRIBE_CONFIGS)) {
            add(role, principal, operation, TOPIC, internal, PREFIXED, what + "'s internal changelog and repartition topics");
        }
        add(role, principal, WRITE, TRANSACTIONAL_ID, internal, PREFIXED, what + "'s exactly_once_v2 transactions");
    }

    public List<DeploymentAcl> acls() {
        return List.copyOf(acls);
    }

    private void add(String role, String principal, AclOperation operation, ResourceType type, String name, PatternType pattern,
                     String reason) {
        acls.add(DeploymentAcl.allow(role, principal, host, operation, type, name, pattern, reason));
    }
}
