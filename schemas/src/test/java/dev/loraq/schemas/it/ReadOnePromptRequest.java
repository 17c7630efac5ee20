package dev.loraq.schemas.it;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.serde.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A separate consumer process for {@link OpsCommandRoundTripTest}: reads one PromptRequest from a topic with the
 * deserializer and prints {@code read request_id=<id> tenant=<tenant>}, or exits 1 after 60 s without one.
 * Arguments: bootstrap servers, registry URL, topic.
 */
public final class ReadOnePromptRequest {

    private ReadOnePromptRequest() {
    }

    public static void main(String[] args) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "ops-round-trip");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroDeserializer<PromptRequest> values = new AvroDeserializer<>(PromptRequest.class);
        values.configure(Map.of("schema.registry.url", args[1]), false);
        try (KafkaConsumer<byte[], PromptRequest> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), values)) {
            consumer.subscribe(List.of(args[2]));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], PromptRequest> r : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println("read request_id=" + r.value().getRequestId() + " tenant=" + r.value().getTenantId());
                    System.out.flush();
                    System.exit(0);
                }
            }
        }
        System.err.println("no record on " + args[2] + " within 60 s");
        System.exit(1);
    }
}
