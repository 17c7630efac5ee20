package dev.loraq.tools.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The topic installer on the real broker. */
@ExtendWith(LocalStackExtension.class)
class TopicInstallerTest {

    /**
     * Right after a create, the answering broker's metadata may not know the topic yet (CI saw "This server does not
     * host this topic-partition"). The first describe here asks the real broker about a topic that does not exist, so
     * it fails the same way; the installer must describe again rather than fail the command.
     */
    @Test
    void shouldDescribeJustCreatedTopicsAgainWhileTheBrokerDoesNotKnowThemYet(LocalStack stack) {
        String name = "installer-" + Long.toString(System.nanoTime(), 36);
        AtomicInteger describes = new AtomicInteger();
        try (Admin real = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Admin unknownFirst = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
                Object[] forwarded = args;
                if (method.getName().equals("describeTopics") && args[0] instanceof Collection<?> && describes.getAndIncrement() == 0) {
                    forwarded = args.clone();
                    forwarded[0] = List.of(name + "-not-there");
                }
                try {
                    return method.invoke(real, forwarded);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
            List<TopicInstaller.TopicState> states = new TopicInstaller(unknownFirst, 10_000)
                    .apply(List.of(new TopicSpec(name, 3, (short) 1, Map.of("cleanup.policy", "delete"), "test")), true);

            assertEquals(1, states.size());
            TopicInstaller.TopicState state = states.getFirst();
            assertTrue(state.created() && state.exists(), state::describe);
            assertEquals(3, state.partitions(), state::describe);
            assertEquals(List.of(), state.differences(), state::describe);
            assertTrue(describes.get() >= 2, "described " + describes.get() + " times");
        }
    }
}
