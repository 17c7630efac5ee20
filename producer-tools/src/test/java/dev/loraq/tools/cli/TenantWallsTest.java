package dev.loraq.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.stack.BrokerSecurity;
import dev.loraq.stack.EmbeddedKafkaBroker;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.acl.DeploymentAcls;
import dev.loraq.tools.collect.CompletionCollector;
import dev.loraq.tools.collect.LoraqCompletionLines;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.kafka.PipelineException;
import dev.loraq.tools.progress.JobProgressService;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants walled off on a real broker with SASL/PLAIN and the StandardAuthorizer (allow.everyone.if.no.acl.found=false):
 * its own broker, started once for this class; the schema registry is the shared stack's. The ACLs are exactly those
 * {@code loraq acls} writes; topics are created by the super user. The real consumer engine (tiny synthetic model)
 * runs throughout under its own principal, so every job is answered by the engine with only the engine's ACLs.
 */
@ExtendWith(LocalStackExtension.class)
class TenantWallsTest {

    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";
    private static final Map<String, String> PASSWORDS = Map.of("engine", "engine-secret", "tools", "tools-secret",
            ACME, "acme-secret", GLOBEX, "globex-secret", "nobody", "nobody-secret");
    private static EmbeddedKafkaBroker broker;
    private static EngineService engine;
    private static String jobFile;
    private static String registryUrl;
    private static CliRun firstAclsRun;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSecuredBroker(LocalStack stack) throws Exception {
        registryUrl = stack.registryUrl();
        broker = EmbeddedKafkaBroker.onFreePort(BrokerSecurity.saslPlain("admin", PASSWORDS));
        broker.start();
        CliRun topics = CliRun.of(as("admin", "topics", "--create", "--tenant", ACME, "--tenant", GLOBEX,
                "-c", "topics.prompts.partitions=2", "-c", "topics.completions.partitions=1"));
        assertEquals(0, topics.exitCode(), topics::toString);
        firstAclsRun = CliRun.of(as("admin", "acls", "--engine-principal", "User:engine", "--tools-principal", "User:tools",
                "--tenant", ACME, "--tenant", GLOBEX));
        assertEquals(0, firstAclsRun.exitCode(), firstAclsRun::toString);
        engine = startEngine(stack);
    }

    @AfterAll
    static void stopEngineAndBroker() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** loraq-engine run as the engine principal: its SASL login under kafka.consumer., kafka.producer. and kafka.admin. */
    private static EngineService startEngine(LocalStack stack) throws Exception {
        ModelConfig model = SyntheticModelFolder.write(dir.resolve("model"), ModelPreset.TINY, 7);
        List<String> adapters = SyntheticModelFolder.writeAdapters(dir.resolve("adapters"), model, "ad", 2, List.of(4),
                Set.of(Projection.Q, Projection.V), 11);
        jobFile = "{\"request_id\": \"w-1\", \"adapter\": \"" + adapters.getFirst() + "\", \"prompt\": \"Where is my order?\", \"max_tokens\": 3}\n"
                + "{\"request_id\": \"w-2\", \"adapter\": null, \"prompt\": \"Hello\", \"max_tokens\": 3}\n";
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("schema.registry.url", stack.registryUrl());
        s.put("worker.id", "walls");
        s.put("commit.interval.ms", "200");
        s.put("metrics.port", "-1");
        s.put("shutdown.timeout.ms", "5000");
        s.put("model.dir", dir.resolve("model").toString());
        s.put("adapters.dir", dir.resolve("adapters").toString());
        s.put("max.loras", "2");
        s.put("max.cpu.loras", "4");
        s.put("threads", "1");
        for (String prefix : List.of(ServiceConfig.CONSUMER_PREFIX, ServiceConfig.PRODUCER_PREFIX, ServiceConfig.ADMIN_PREFIX)) {
            broker.clientProperties("engine").forEach((key, value) -> s.put(prefix + key, value.toString()));
        }
        ServiceConfig config = ConfigSources.load(null, s, Map.of());
        return EngineService.start(config, LocalEngine.open(config.engineSettings()));
    }

    @Test
    void aclsCommandIsIdempotentAndDryRunPrintsWhatItWrites() throws Exception {
        int bindings = firstAclsRun.out().strip().split("\n").length;
        assertTrue(firstAclsRun.err().contains(bindings + " created, 0 already present"), firstAclsRun::toString);

        String[] acls = {"acls", "--engine-principal", "User:engine", "--tools-principal", "User:tools", "--tenant", ACME, "--tenant", GLOBEX};
        CliRun again = CliRun.of(as("admin", acls));
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.err().contains("0 created, " + bindings + " already present"), again::toString);

        CliRun dryRun = CliRun.of(Stream.concat(Arrays.stream(acls), Stream.of("--dry-run")).toArray(String[]::new));
        assertEquals(0, dryRun.exitCode(), dryRun::toString);
        List<String> printed = dryRun.out().strip().lines().toList();
        assertEquals(again.out().strip().lines().map(line -> line.substring("present  ".length())).toList(), printed);

        // The tenant's bindings, exactly: no prefix on completions, no read of prompts or manifests.
        List<String> acme = printed.stream().filter(line -> line.startsWith("User:acme ")).map(l -> l.substring(0, l.indexOf("  #"))).toList();
        assertEquals(List.of(
                "User:acme ALLOW WRITE TOPIC:LITERAL:loraq.prompts host=*",
                "User:acme ALLOW WRITE TOPIC:LITERAL:loraq.jobs host=*",
                "User:acme ALLOW WRITE TRANSACTIONAL_ID:PREFIXED:loraq-submit- host=*",
                "User:acme ALLOW READ TOPIC:LITERAL:loraq.completions.acme host=*",
                "User:acme ALLOW READ GROUP:LITERAL:loraq-tenant-acme host=*"), acme);
        // The engine cannot even see the manifests topic.
        try (KafkaConsumer<String, String> consumer = stringConsumer("engine")) {
            assertThrows(TopicAuthorizationException.class, () -> consumer.partitionsFor(PipelineTopics.JOBS, Duration.ofSeconds(10)));
        }
        try (Admin admin = Admin.create(clientConfig("admin"))) {
            AclBindingFilter acmeOnly = new AclBindingFilter(ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter("User:acme", null, org.apache.kafka.common.acl.AclOperation.ANY,
                            org.apache.kafka.common.acl.AclPermissionType.ANY));
            assertEquals(5, admin.describeAcls(acmeOnly).values().get(10, TimeUnit.SECONDS).size(), "the broker holds exactly those");
        }
    }

    @Test
    void tenantSubmitsAndReadsItsOwnCompletionsWithExactlyItsAcls() throws Exception {
        Path file = Files.writeString(dir.resolve("acme.jsonl"), jobFile, StandardCharsets.UTF_8);
        CliRun submit = CliRun.of(as(ACME, "submit", file.toString(), "--tenant", ACME, "--job-id", "walls-acme-1"));
        assertEquals(0, submit.exitCode(), submit::toString);

        // The engine answers under its ACLs; the tenant reads its completions in its own group and commits there.
        Set<String> requestIds = new HashSet<>();
        try (KafkaConsumer<String, Completion> consumer = completionConsumer(ACME, DeploymentAcls.TENANT_GROUP_PREFIX + ACME)) {
            consumer.subscribe(List.of(OutputTopicPattern.DEFAULT.topicFor(ACME)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (requestIds.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Completion> record : consumer.poll(Duration.ofMillis(200))) {
                    if ("walls-acme-1".equals(record.value().getJobId())) {
                        assertEquals(CompletionStatus.OK, record.value().getStatus(), record.value().toString());
                        requestIds.add(record.value().getRequestId());
                    }
                }
            }
            consumer.commitSync(Duration.ofSeconds(10));
        }
        assertTrue(engine.isHealthy(), "engine failed under its ACLs: " + engine.failure());
        assertEquals(Set.of("w-1", "w-2"), requestIds);

        // Nothing beyond that: the tenant sees the prompts topic (WRITE implies DESCRIBE) but cannot read it.
        try (KafkaConsumer<String, String> consumer = stringConsumer(ACME)) {
            consumer.assign(List.of(new TopicPartition(PipelineTopics.PROMPTS, 0)));
            consumer.seekToBeginning(consumer.assignment());
            TopicAuthorizationException denied = assertThrows(TopicAuthorizationException.class,
                    () -> consumer.poll(Duration.ofSeconds(10)));
            assertEquals(Set.of(PipelineTopics.PROMPTS), denied.unauthorizedTopics());
        }

        // The tools' principal collects the job with its ACLs, its SASL settings in a --config-file.
        Path results = dir.resolve("acme-results.jsonl");
        java.util.Properties toolsLogin = new java.util.Properties();
        broker.clientProperties("tools").forEach((key, value) -> toolsLogin.setProperty(ToolsConfig.KAFKA_CLIENT_PREFIX + key, value.toString()));
        Path loginFile = dir.resolve("tools.properties");
        try (var writer = Files.newBufferedWriter(loginFile)) {
            toolsLogin.store(writer, "loraq tools principal");
        }
        CliRun collect = CliRun.of("collect", "--tenant", ACME, "--job", "walls-acme-1", "--out", results.toString(), "--timeout", "PT30S",
                "--bootstrap-servers", broker.bootstrapServers(), "--schema-registry-url", registryUrl, "--config-file", loginFile.toString());
        assertEquals(0, collect.exitCode(), collect::toString);
        assertEquals(2, Files.readAllLines(results).size(), collect::toString);

        // The job-progress service (Kafka Streams, exactly_once_v2, internal topics) runs as the tools' principal too.
        Map<String, Object> progressSettings = new HashMap<>(toolsConfig("tools").originals());
        progressSettings.put(ToolsConfig.PROGRESS_STATE_DIR_CONFIG, dir.resolve("streams-state").toString());
        progressSettings.put(ToolsConfig.PROGRESS_COMMIT_INTERVAL_MS_CONFIG, 100L);
        progressSettings.put(ToolsConfig.PROGRESS_TOPIC_DISCOVERY_MS_CONFIG, 500L);
        try (JobProgressService progress = new JobProgressService(new ToolsConfig(progressSettings))) {
            progress.start();
            assertTrue(progress.awaitRunning(Duration.ofSeconds(60)), "progress service running, state " + progress.state());
            CliRun watch = CliRun.of(as("tools", "watch", "walls-acme-1", "--timeout", "PT60S"));
            assertEquals(0, watch.exitCode(), watch::toString);
        }
    }

    @Test
    void tenantCannotReadAnotherTenantsCompletions() throws Exception {
        Path file = Files.writeString(dir.resolve("globex.jsonl"), jobFile, StandardCharsets.UTF_8);
        CliRun submit = CliRun.of(as(GLOBEX, "submit", file.toString(), "--tenant", GLOBEX, "--job-id", "walls-globex-1"));
        assertEquals(0, submit.exitCode(), submit::toString);

        try (KafkaConsumer<String, String> consumer = stringConsumer(ACME)) {
            TopicAuthorizationException denied = assertThrows(TopicAuthorizationException.class,
                    () -> consumer.partitionsFor(OutputTopicPattern.DEFAULT.topicFor(GLOBEX), Duration.ofSeconds(10)));
            assertEquals(Set.of(OutputTopicPattern.DEFAULT.topicFor(GLOBEX)), denied.unauthorizedTopics());
        }

        // The real collector, as acme, on globex's job: a clear error at once, not a wait until the timeout.
        JobManifest globexJob = new CompletionCollector(toolsConfig("tools")).manifest(GLOBEX, "walls-globex-1");
        long start = System.nanoTime();
        StringWriter out = new StringWriter();
        PipelineException error = assertThrows(PipelineException.class, () -> new CompletionCollector(toolsConfig(ACME))
                .collect(globexJob, Duration.ofMinutes(2), new LoraqCompletionLines(), out, out));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "failed fast, not at the 2 min timeout");
        assertEquals(PipelineException.Kind.NOT_AUTHORIZED, error.kind());
        assertTrue(error.getMessage().startsWith("not authorized: READ on topic loraq.completions.globex was refused by "
                + broker.bootstrapServers()), error.getMessage());
        assertEquals("", out.toString(), "nothing of globex's was written");

        // The command as acme: exit code 8 and one line naming operation and resource, no stack trace.
        CliRun collect = CliRun.of(as(ACME, "collect", "--tenant", GLOBEX, "--job", "walls-globex-1", "--timeout", "PT2M"));
        assertEquals(ExitCodes.NOT_AUTHORIZED, collect.exitCode(), collect::toString);
        assertTrue(collect.err().contains("loraq collect: not authorized: READ on topic loraq.jobs was refused"), collect::toString);
        assertFalse(collect.err().contains("\tat "), collect::toString);
        assertEquals("", collect.out(), collect::toString);
    }

    @Test
    void missingAclOrBadPasswordNamesWhatWasRefused() throws Exception {
        // "nobody" authenticates but has no ACL at all.
        CliRun nobody = CliRun.of(as("nobody", "collect", "--tenant", ACME, "--job", "walls-acme-1", "--timeout", "PT1M"));
        assertEquals(ExitCodes.NOT_AUTHORIZED, nobody.exitCode(), nobody::toString);
        assertTrue(nobody.err().contains("not authorized: READ on topic loraq.jobs was refused by " + broker.bootstrapServers()),
                nobody::toString);
        assertTrue(nobody.err().contains("needs an ALLOW READ ACL"), nobody::toString);
        // Topics it may not even describe are reported as refused, not as missing.
        CliRun submit = CliRun.of(as("nobody", "submit", writeJobFile("nobody.jsonl").toString(), "--tenant", ACME));
        assertEquals(ExitCodes.NOT_AUTHORIZED, submit.exitCode(), submit::toString);
        assertTrue(submit.err().contains("loraq submit: not authorized: DESCRIBE on topic loraq.jobs, loraq.prompts was refused"),
                submit::toString);
        assertFalse(submit.err().contains("do not exist"), submit::toString);

        // A tenant using another tenant's consumer group.
        try (KafkaConsumer<String, String> consumer = stringConsumer(GLOBEX, DeploymentAcls.TENANT_GROUP_PREFIX + ACME)) {
            consumer.subscribe(List.of(OutputTopicPattern.DEFAULT.topicFor(GLOBEX)));
            var denied = assertThrows(org.apache.kafka.common.errors.GroupAuthorizationException.class,
                    () -> consumer.poll(Duration.ofSeconds(10)));
            assertEquals(DeploymentAcls.TENANT_GROUP_PREFIX + ACME, denied.groupId());
        }

        // A wrong password: authentication fails, named as such.
        String[] wrong = Stream.concat(Stream.of("collect", "--tenant", ACME, "--job", "walls-acme-1", "--timeout", "PT1M"),
                Stream.of(connection(BrokerSecurity.clientProperties(ACME, "not-the-password")))).toArray(String[]::new);
        CliRun badLogin = CliRun.of(wrong);
        assertEquals(ExitCodes.NOT_AUTHORIZED, badLogin.exitCode(), badLogin::toString);
        assertTrue(badLogin.err().contains("authentication to " + broker.bootstrapServers() + " failed"), badLogin::toString);
    }

    private static Path writeJobFile(String name) throws java.io.IOException {
        return Files.writeString(dir.resolve(name), jobFile, StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, Completion> completionConsumer(String user, String group) {
        Map<String, Object> config = clientConfig(user);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(),
                LoraqSerdes.completion(Map.of("schema.registry.url", registryUrl), false).deserializer());
    }

    private static KafkaConsumer<String, String> stringConsumer(String user) {
        Map<String, Object> config = clientConfig(user);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static KafkaConsumer<String, String> stringConsumer(String user, String group) {
        Map<String, Object> config = clientConfig(user);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, Object> clientConfig(String user) {
        Map<String, Object> config = new HashMap<>(broker.clientProperties(user));
        config.put("bootstrap.servers", broker.bootstrapServers());
        return config;
    }

    /** ToolsConfig of a user: the SASL settings under kafka.client., as an operator passes them with -c. */
    private static ToolsConfig toolsConfig(String user) {
        Map<String, Object> values = new HashMap<>();
        values.put(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        values.put(ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        values.put(ToolsConfig.KAFKA_TIMEOUT_MS_CONFIG, 10_000);
        broker.clientProperties(user).forEach((key, value) -> values.put(ToolsConfig.KAFKA_CLIENT_PREFIX + key, value));
        return new ToolsConfig(values);
    }

    /** Command-line arguments of a loraq command run as {@code user}. */
    private static String[] as(String user, String... args) {
        return Stream.concat(Arrays.stream(args), Stream.of(connection(broker.clientProperties(user)))).toArray(String[]::new);
    }

    private static String[] connection(Map<String, Object> clientProperties) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", broker.bootstrapServers(), "--schema-registry-url", registryUrl,
                "-c", "kafka.timeout.ms=10000"));
        clientProperties.forEach((key, value) -> args.addAll(List.of("-c", ToolsConfig.KAFKA_CLIENT_PREFIX + key + "=" + value)));
        return args.toArray(String[]::new);
    }
}
