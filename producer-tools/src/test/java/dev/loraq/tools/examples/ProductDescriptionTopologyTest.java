package dev.loraq.tools.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import dev.loraq.schemas.serde.AvroSerde;
import dev.loraq.schemas.serde.LoraqSerdes;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import dev.loraq.tools.progress.Completions;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ProductDescriptionTopologyTest {

    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void shouldTurnProductEventsIntoPromptsAndJoinDescriptionsBack(LocalStack stack) throws Exception {
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (AvroSerde<PromptRequest> prompts = LoraqSerdes.promptRequest(registry, false);
             AvroSerde<Completion> completions = LoraqSerdes.completion(registry, false)) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "product-descriptions-ttd");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            try (TopologyTestDriver driver = new TopologyTestDriver(
                    ProductDescriptionTopology.build("shop", "shop-copywriter", prompts, completions), props)) {
                TestInputTopic<String, String> events = driver.createInputTopic(ProductDescriptionTopology.PRODUCT_EVENTS,
                        Serdes.String().serializer(), Serdes.String().serializer());
                TestOutputTopic<String, PromptRequest> requests = driver.createOutputTopic(PipelineTopics.PROMPTS,
                        Serdes.String().deserializer(), prompts.deserializer());
                TestInputTopic<String, Completion> results = driver.createInputTopic(OutputTopicPattern.DEFAULT.topicFor("shop"),
                        Serdes.String().serializer(), completions.serializer());
                TestOutputTopic<String, String> enriched = driver.createOutputTopic(ProductDescriptionTopology.ENRICHED_PRODUCTS,
                        Serdes.String().deserializer(), Serdes.String().deserializer());

                events.pipeInput("p1", "{\"product_id\": \"p1\", \"version\": 1, \"name\": \"Trail shoe\", \"category\": \"shoes\", \"features\": [\"waterproof\", \"290 g\"]}");
                events.pipeInput("p2", "not json");
                KeyValue<String, PromptRequest> request = requests.readKeyValue();
                assertTrue(requests.isEmpty(), "the malformed event made no request");
                assertEquals("shop-copywriter", request.key, "keyed by adapter id");
                PromptRequest prompt = request.value;
                assertEquals("p1@v1", prompt.getRequestId());
                assertEquals(ProductDescriptionTopology.JOB_ID, prompt.getJobId());
                assertEquals("shop", prompt.getTenantId());
                assertEquals("shop-copywriter", prompt.getAdapterId());
                assertTrue(prompt.getMessages().getLast().getContent().contains("Product: Trail shoe\nCategory: shoes\n- waterproof\n- 290 g"));

                results.pipeInput("p1@v1", Completions.ok("shop", ProductDescriptionTopology.JOB_ID, "p1@v1", "shop-copywriter",
                        "A light, waterproof trail shoe.", 40, 9, Instant.now()));
                KeyValue<String, String> product = enriched.readKeyValue();
                assertEquals("p1", product.key);
                JsonNode node = JSON.readTree(product.value);
                assertEquals("A light, waterproof trail shoe.", node.get("description").asText());
                assertEquals("Trail shoe", node.get("name").asText());
                assertEquals("shop-copywriter", node.get("description_adapter").asText());

                // A newer version arrives before the old description: the stale description is dropped.
                events.pipeInput("p1", "{\"product_id\": \"p1\", \"version\": 2, \"name\": \"Trail shoe II\"}");
                assertEquals("p1@v2", requests.readValue().getRequestId());
                results.pipeInput("p1@v1", Completions.ok("shop", ProductDescriptionTopology.JOB_ID, "p1@v1", "shop-copywriter",
                        "stale", 1, 1, Instant.now()));
                results.pipeInput("p1@v2", Completions.error("shop", ProductDescriptionTopology.JOB_ID, "p1@v2", "shop-copywriter",
                        "unknown_adapter", Instant.now()));
                results.pipeInput("x", Completions.ok("shop", "another-job", "p1@v2", "a", "other job", 1, 1, Instant.now()));
                assertTrue(enriched.isEmpty(), "stale, failed and foreign completions enrich nothing");
            }
        }
    }
}
