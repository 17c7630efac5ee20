package dev.loraq.reliability;

import dev.loraq.stack.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The Kafka broker alone in its own process, so a scenario can SIGTERM or SIGKILL it and start it again on its data. */
public final class BrokerMain {

    private BrokerMain() {
    }

    /** Arguments: data folder, port. Prints "ready" once clients see the broker; stops on SIGTERM. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Optional.of(Path.of(args[0])), Integer.parseInt(args[1]));
        broker.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-stop"));
        System.out.println("ready " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
