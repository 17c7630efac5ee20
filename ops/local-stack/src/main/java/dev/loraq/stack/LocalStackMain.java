package dev.loraq.stack;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ops/local-stack.sh} command: runs broker and registry until Ctrl-C or SIGTERM. */
@Command(name = "local-stack",
        description = "Runs a single-node Kafka broker (KRaft) and an Apicurio schema registry on 127.0.0.1 "
                + "until Ctrl-C or SIGTERM, and prints their addresses.")
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
        System.out.println("schema.registry.url=" + stack.registryUrl());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
