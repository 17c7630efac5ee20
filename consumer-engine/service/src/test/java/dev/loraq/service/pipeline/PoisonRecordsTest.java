package dev.loraq.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.CompletionStatus;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.serde.WireFormat;
import dev.loraq.service.EngineService;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.service.pipeline.PipelineFixture.Seen;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.junit.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records built to hurt, among a real job of three tenants: each becomes one dead letter or error completion with
 * its reason, the engine never stops, and no transaction aborts (an abort would rewind every tenant's partitions).
 */
@ExtendWith(LocalStackExtension.class)
class PoisonRecordsTest {

    @Test
    void poisonRecordsBecomeDeadLettersOrErrorsWhileEveryTenantsJobCompletesWithoutAnAbortedTransaction(LocalStack stack,
            @TempDir Path dir) throws Exception {
        PipelineFixture fixture = new PipelineFixture(stack, dir, "poison", 2);
        Map<String, String> tenantById = fixture.produceJob(60);
        byte[] good = fixture.serialize(PipelineFixture.request("template", "acme", null, "hi", 2, 0f));
        int schemaId = WireFormat.schemaId(good);

        byte[] hugeArray = framed(schemaId, encoder -> {
            header(encoder);
            encoder.writeIndex(1);
            encoder.writeArrayStart();
            encoder.setItemCount(Integer.MAX_VALUE - 8);
        });
        byte[] hugeString = framed(schemaId, encoder -> encoder.writeLong(1L << 30));
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        byte[] nearOneMegabyte = new byte[1_048_460];
        new Random(7).nextBytes(nearOneMegabyte);
        System.arraycopy(good, 0, nearOneMegabyte, 0, WireFormat.HEADER_LENGTH);
        nearOneMegabyte[WireFormat.HEADER_LENGTH] = 0x7f;          // a request_id declaring far more bytes than follow
        // Adapter folders the tenant must not learn about: a link out of the adapters folder, and a broken adapter.
        Path outside = Files.createDirectories(dir.resolve("outside/secret-adapter"));
        Files.copy(fixture.adaptersDir.resolve(fixture.adapters.get(0)).resolve("adapter_config.json"), outside.resolve("adapter_config.json"));
        Files.createSymbolicLink(fixture.adaptersDir.resolve("escape"), outside);
        PipelineFixture.writeBrokenAdapter(fixture.adaptersDir, "broken");

        send(stack, List.of(
                new ProducerRecord<>(fixture.inputTopic(), 0, "k".getBytes(), hugeArray),
                new ProducerRecord<>(fixture.inputTopic(), 1, "k".getBytes(), hugeString),
                new ProducerRecord<>(fixture.inputTopic(), 0, "k".getBytes(), trailing),
                new ProducerRecord<>(fixture.inputTopic(), 1, "k".getBytes(), nearOneMegabyte),
                new ProducerRecord<>(fixture.inputTopic(), 0, null, fixture.serialize(
                        PipelineFixture.request("err-empty-adapter", "globex", "", "hi", 2, 0f))),
                new ProducerRecord<>(fixture.inputTopic(), 1, null, fixture.serialize(
                        PipelineFixture.request("err-escape", "initech", "escape", "hi", 2, 0f))),
                new ProducerRecord<>(fixture.inputTopic(), 0, null, fixture.serialize(
                        PipelineFixture.request("err-broken", "acme", "broken", "hi", 2, 0f)))));
        tenantById.put("err-empty-adapter", "globex");
        tenantById.put("err-escape", "initech");
        tenantById.put("err-broken", "acme");

        Seen seen;
        double aborted;
        try (EngineService service = EngineService.start(fixture.config("solo"), LocalEngine.open(fixture.config("solo").engineSettings()))) {
            seen = fixture.readUntil(tenantById.size() + 4, Duration.ofSeconds(120));
            assertTrue(service.isHealthy(), "service failed: " + service.failure());
            aborted = service.metrics().count("loraq.transactions", "outcome", "aborted");
        }

        fixture.assertExactlyOnce(tenantById, seen);
        assertEquals(0.0, aborted, "aborted transactions");
        Map<String, DeadLetter> byCode = new HashMap<>();
        seen.deadLetters.forEach(letter -> byCode.put(letter.getErrorCode() + "@" + letter.getSourcePartition() + ":" + letter.getValue().remaining(), letter));
        assertEquals(4, seen.deadLetters.size(), "dead letters " + byCode.keySet());
        DeadLetter array = letter(seen, hugeArray.length);
        assertEquals("decode_limit", array.getErrorCode());
        assertTrue(array.getErrorMessage().contains("avro.decode.max.collection.items"), array.getErrorMessage());
        assertEquals("decode_limit", letter(seen, hugeString.length).getErrorCode());
        DeadLetter trailingLetter = letter(seen, trailing.length);
        assertEquals("avro_decode", trailingLetter.getErrorCode());
        assertTrue(trailingLetter.getErrorMessage().contains("2 bytes after the complete record"), trailingLetter.getErrorMessage());
        DeadLetter big = seen.deadLetters.stream().filter(DeadLetter::getValueTruncated).findFirst().orElseThrow();
        assertEquals("avro_decode", big.getErrorCode());
        assertEquals(nearOneMegabyte.length, big.getOriginalValueSize());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(nearOneMegabyte)), big.getOriginalValueSha256());
        byte[] kept = new byte[big.getValue().remaining()];
        big.getValue().duplicate().get(kept);
        assertTrue(kept.length < nearOneMegabyte.length && Arrays.equals(kept, Arrays.copyOf(nearOneMegabyte, kept.length)),
                "the letter keeps the first bytes of the original");

        Map<String, Completion> byId = new HashMap<>();
        seen.completionsByTopic.values().forEach(list -> list.forEach(c -> byId.put(c.getRequestId(), c)));
        assertError(byId.get("err-empty-adapter"), "invalid_adapter_id");
        assertError(byId.get("err-escape"), "unknown_adapter");
        Completion broken = byId.get("err-broken");
        assertError(broken, "adapter_load_failed");
        for (Completion error : List.of(byId.get("err-escape"), broken)) {
            assertFalse(error.getError().getMessage().contains(dir.toString()), "server path sent to the tenant: " + error.getError().getMessage());
        }
        assertTrue(broken.getError().getMessage().contains("broken"), broken.getError().getMessage());
    }

    private static DeadLetter letter(Seen seen, int valueLength) {
        return seen.deadLetters.stream().filter(l -> !l.getValueTruncated() && l.getValue().remaining() == valueLength).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter with a value of " + valueLength + " bytes"));
    }

    private static void assertError(Completion completion, String code) {
        assertNotNull(completion, "no completion for " + code);
        assertEquals(CompletionStatus.ERROR, completion.getStatus(), completion.getRequestId());
        assertEquals(code, completion.getError().getCode(), completion.getRequestId() + ": " + completion.getError().getMessage());
    }

    private static void send(LocalStack stack, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get();
            }
        }
    }

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private static byte[] framed(int schemaId, Writes writes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writes.to(encoder);
        encoder.flush();
        return WireFormat.frame(schemaId, out.toByteArray());
    }

    private static void header(BinaryEncoder encoder) throws IOException {
        encoder.writeString("r-1");
        encoder.writeString("job-1");
        encoder.writeString("acme");
        encoder.writeIndex(0);
        encoder.writeIndex(0);
    }
}
