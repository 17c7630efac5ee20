package dev.loraq.service.output;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whether an output topic exists, with auto-creation off, on the real broker. A broker that has not yet seen a
 * just-created topic answers as if it did not exist, so one such answer must not turn completions into
 * {@code output_topic_missing} dead letters.
 */
@ExtendWith(LocalStackExtension.class)
class TopicProvisionerTest {

    @Test
    void shouldPostponeRatherThanDeadLetterWhenTheClusterDoesNotKnowATopicYet(LocalStack stack) throws Exception {
        String topic = "provisioner-" + Long.toString(System.nanoTime(), 36);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
             TopicProvisioner topics = new TopicProvisioner(Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers())), false, 1, (short) 1)) {
            KafkaException notYet = assertThrows(KafkaException.class, () -> topics.ensure(topic));
            assertTrue(notYet.getMessage().contains(topic), notYet.getMessage());

            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Boolean exists = null;
            while (exists == null && System.nanoTime() < deadline) {
                try {
                    exists = topics.ensure(topic);
                } catch (KafkaException stillUnknown) {
                    Thread.sleep(50);
                }
            }
            assertTrue(Boolean.TRUE.equals(exists), "a topic created within the grace window exists");
        }
    }

    @Test
    void shouldCallATopicMissingOnceTheClusterHasNotKnownItForTheGraceWindow(LocalStack stack) throws Exception {
        String topic = "provisioner-missing-" + Long.toString(System.nanoTime(), 36);
        try (TopicProvisioner topics = new TopicProvisioner(Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers())), false, 1, (short) 1)) {
            assertThrows(KafkaException.class, () -> topics.ensure(topic));
            Thread.sleep(TopicProvisioner.MISSING_AFTER_MS + 100);
            assertFalse(topics.ensure(topic));
            assertFalse(topics.ensure(topic), "and at once from then on");
        }
    }
}
