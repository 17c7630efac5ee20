package dev.loraq.tools.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.contract.OutputTopicPattern;
import dev.loraq.schemas.contract.PipelineTopics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Example of stream-processing integration (docs/streams-integration.md): product events (JSON, key = product id) on
 * {@value #PRODUCT_EVENTS} become PromptRequests for a tenant's copywriting adapter on loraq.prompts; the tenant's
 * completions are joined back to the latest product by id and written as enriched products (JSON) to
 * {@value #ENRICHED_PRODUCTS}.
 *
 * <p>Event: {@code {"product_id": "p1", "version": 3, "name": "...", "category": "...", "features": ["..."]}}.
 * The request id is {@code <product_id>@v<version>}, so a description is only attached to the product version it
 * was written for; results for older versions are dropped.
 */
public final class ProductDescriptionTopology {

    private static final Logger LOG = LoggerFactory.getLogger(ProductDescriptionTopology.class);
    private static final JsonMapper JSON = new JsonMapper();

    public static final String PRODUCT_EVENTS = "shop.product-events";
    public static final String ENRICHED_PRODUCTS = "shop.products-enriched";
    /** The standing job id of the example's requests (a stream has no manifest). */
    public static final String JOB_ID = "product-descriptions";
    public static final String PRODUCTS_STORE = "products";

    private ProductDescriptionTopology() {
    }

    public static Topology build(String tenantId, String adapterId, Serde<PromptRequest> prompts, Serde<Completion> completions) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> events = builder.stream(PRODUCT_EVENTS, Consumed.with(Serdes.String(), Serdes.String()));
        KStream<String, JsonNode> products = events.mapValues(ProductDescriptionTopology::parse).filter((id, product) -> product != null);

        products.map((id, product) -> org.apache.kafka.streams.KeyValue.pair(adapterId, request(tenantId, adapterId, id, product)))
                .to(PipelineTopics.PROMPTS, Produced.with(Serdes.String(), prompts));

        KTable<String, String> latest = products.mapValues(JsonNode::toString)
                .toTable(Materialized.<String, String, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(PRODUCTS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));

        builder.stream(OutputTopicPattern.DEFAULT.topicFor(tenantId), Consumed.with(Serdes.String(), completions))
                .filter((key, c) -> c != null && JOB_ID.equals(c.getJobId()) && c.getRequestId().contains("@v"))
                .selectKey((key, c) -> productId(c.getRequestId()))
                .join(latest, ProductDescriptionTopology::enrich, Joined.with(Serdes.String(), completions, Serdes.String(), "completions-by-product"))
                .filter((id, enriched) -> enriched != null)
                .to(ENRICHED_PRODUCTS, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    /** The request id of a product version. */
    public static String requestId(String productId, long version) {
        return productId + "@v" + version;
    }

    static String productId(String requestId) {
        return requestId.substring(0, requestId.lastIndexOf("@v"));
    }

    private static JsonNode parse(String productId, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node != null && node.isObject() && node.path("name").isTextual() && node.path("version").canConvertToLong()) {
                return node;
            }
            LOG.warn("skipping product event without name or version productId={}", productId);
        } catch (JsonProcessingException e) {
            LOG.warn("skipping malformed product event productId={} error={}", productId, e.getOriginalMessage());
        }
        return null;
    }

    private static PromptRequest request(String tenantId, String adapterId, String productId, JsonNode product) {
        StringBuilder facts = new StringBuilder("Product: ").append(product.path("name").asText());
        if (product.path("category").isTextual()) {
            facts.append("\nCategory: ").append(product.path("category").asText());
        }
        for (JsonNode feature : product.path("features")) {
            facts.append("\n- ").append(feature.asText());
        }
        return PromptRequest.newBuilder()
                .setRequestId(requestId(productId, product.path("version").asLong()))
                .setJobId(JOB_ID)
                .setTenantId(tenantId)
                .setAdapterId(adapterId)
                .setMessages(List.of(
                        new ChatMessage("system", "You write short, factual product descriptions for an online shop."),
                        new ChatMessage("user", facts.toString())))
                .setSampling(SamplingParams.newBuilder().setMaxTokens(160).setTemperature(0.7f).build())
                .setSubmittedAt(Instant.now())
                .setMetadata(Map.of("product_id", productId))
                .build();
    }

    /** The product with its description, or null when the completion is for an older version or failed. */
    private static String enrich(Completion completion, String productJson) {
        try {
            ObjectNode product = (ObjectNode) JSON.readTree(productJson);
            String current = requestId(product.path("product_id").asText(productId(completion.getRequestId())), product.path("version").asLong());
            if (!current.equals(completion.getRequestId())) {
                return null;
            }
            if (completion.getStatus() != CompletionStatus.OK) {
                LOG.warn("no description requestId={} error={}", completion.getRequestId(),
                        completion.getError() == null ? "unknown" : completion.getError().getCode());
                return null;
            }
            product.put("description", completion.getText());
            product.put("description_adapter", completion.getAdapterId());
            product.put("description_model", completion.getModelId());
            return product.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the products store holds invalid JSON for " + completion.getRequestId(), e);
        }
    }
}
