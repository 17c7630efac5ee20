package dev.loraq.service.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ClusterProbeTest {

    @Test
    void aRunningBrokerIsReachable(LocalStack stack) throws Exception {
        try (ClusterProbe probe = new ClusterProbe(Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers())),
                stack.bootstrapServers(), 200)) {
            Thread.sleep(1500);
            assertTrue(probe.isReachable());
        }
    }

    @Test
    void aBrokerThatDoesNotAnswerIsReportedUnreachableWithinAFewIntervals() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;
        try (ClusterProbe probe = new ClusterProbe(Admin.create(Map.of("bootstrap.servers", bootstrap,
                "request.timeout.ms", "1000", "default.api.timeout.ms", "1000")), bootstrap, 200)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (probe.isReachable() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(probe.isReachable(), "nothing listens on " + bootstrap);
            assertTrue(probe.unreachableForMs() >= 0);
        }
    }
}
