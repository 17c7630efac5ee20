package dev.loraq.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ops/local-stack.sh} command: runs broker and registry until Ctrl-C or SIGTERM. */
@Command(name = "local-stack",
        description = "Runs a single-node Kafka broker (KRaft) and an Apicurio schema registry on 127.0.0.1 "
                + "until Ctrl-C or SIGTERM, and prints their addresses (and, with --security sasl, the client "
                + "properties of the super user).")
public final class LocalStackMain implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder for broker data and the registry log (kept). Default: a temporary folder, deleted on exit.")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Broker port on 127.0.0.1, 0 = free port. Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Schema registry port on 127.0.0.1, 0 = free port. Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Option(names = "--security", paramLabel = "none|sasl", defaultValue = "none",
            description = "none: PLAINTEXT, no authentication (default). sasl: SASL/PLAIN on 127.0.0.1, the StandardAuthorizer "
                    + "with allow.everyone.if.no.acl.found=false; only the super user has rights until ACLs are written "
                    + "(loraq acls). Default: ${DEFAULT-VALUE}.")
    String security;

    @Option(names = "--super-user", paramLabel = "NAME:PASSWORD",
            description = "With --security sasl: the super user. Default: " + BrokerSecurity.DEFAULT_SUPER_USER + " with a random password.")
    String superUser;

    @Option(names = "--sasl-user", paramLabel = "NAME:PASSWORD",
            description = "With --security sasl: a further user, with no rights until ACLs grant some (repeatable).")
    List<String> saslUsers = new ArrayList<>();

    public static void main(String[] args) {
        int exit = new CommandLine(new LocalStackMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        if (dataDir != null) {
            settings.put(LocalStackConfig.DATA_DIR_CONFIG, dataDir.toString());
        }
        settings.put(LocalStackConfig.KAFKA_PORT_CONFIG, kafkaPort);
        settings.put(LocalStackConfig.REGISTRY_PORT_CONFIG, registryPort);
        settings.put(LocalStackConfig.KAFKA_SECURITY_CONFIG, security);
        if (!saslUsers.isEmpty()) {
            settings.put(LocalStackConfig.KAFKA_SASL_USERS_CONFIG, String.join(",", saslUsers));
        }
        if (superUser != null) {
            int colon = superUser.indexOf(':');
            if (colon <= 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--super-user must be NAME:PASSWORD");
            }
            settings.put(LocalStackConfig.KAFKA_SASL_SUPER_USER_CONFIG, superUser.substring(0, colon));
            settings.put(LocalStackConfig.KAFKA_SASL_SUPER_PASSWORD_CONFIG, superUser.substring(colon + 1));
        }
        LocalStackConfig config = new LocalStackConfig(settings);

        EmbeddedLocalStack stack = EmbeddedLocalStack.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
                System.out.println("local stack stopped");
                System.out.flush();
            } finally {
                stopped.countDown();
            }
        }, "local-stack-stop"));
        System.out.println("bootstrap.servers=" + stack.bootstrapServers());
        // Super user's client settings as a properties file body (also usable as Kafka's --command-config).
        new TreeMap<>(stack.kafkaClientProperties()).forEach((key, value) -> System.out.println(key + "=" + value));
        System.out.println("schema.registry.url=" + stack.registryUrl());
        BrokerSecurity brokerSecurity = stack.kafkaSecurity();
        if (brokerSecurity.enabled()) {
            System.out.println("# SASL users: " + String.join(", ", new TreeMap<>(brokerSecurity.users()).keySet())
                    + " (super user: " + brokerSecurity.superUser() + "); see docs/security.md for the loraq keys");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
