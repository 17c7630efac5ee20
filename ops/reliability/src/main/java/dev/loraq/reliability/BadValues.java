package dev.loraq.reliability;

import static dev.loraq.schemas.contract.DeadLetterCode.AVRO_DECODE;
import static dev.loraq.schemas.contract.DeadLetterCode.DECODE_LIMIT;
import static dev.loraq.schemas.contract.DeadLetterCode.NO_REQUEST_ID;
import static dev.loraq.schemas.contract.DeadLetterCode.NO_TENANT;
import static dev.loraq.schemas.contract.DeadLetterCode.SCHEMA_NOT_FOUND;
import static dev.loraq.schemas.contract.DeadLetterCode.TOMBSTONE;
import static dev.loraq.schemas.contract.DeadLetterCode.WIRE_FORMAT;

import dev.loraq.schemas.avro.ChatMessage;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.avro.SamplingParams;
import dev.loraq.schemas.contract.DeadLetterCode;
import dev.loraq.schemas.serde.AvroSerializer;
import dev.loraq.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Generated bad prompt records, each with the outcome the engine owes it: a dead letter with one of some codes, or an
 * error completion with one code in the tenant's topic.
 */
final class BadValues {

    /** One bad record and what must become of it. */
    record Bad(String kind, byte[] key, byte[] value, RecordHeaders headers, String requestId, Set<DeadLetterCode> deadLetterCodes,
               Set<String> errorCodes) {
        boolean expectsDeadLetter() {
            return deadLetterCodes != null;
        }
    }

    private static final Set<DeadLetterCode> UNDECODABLE = Set.of(WIRE_FORMAT, SCHEMA_NOT_FOUND, AVRO_DECODE, DECODE_LIMIT);

    private final Random random;
    private final AvroSerializer<PromptRequest> serializer;
    private final String topic;
    private final int schemaId;
    private final List<String> adapters;
    private int next;

    BadValues(long seed, AvroSerializer<PromptRequest> serializer, String topic, List<String> adapters) {
        this.random = new Random(seed);
        this.serializer = serializer;
        this.topic = topic;
        this.adapters = adapters;
        this.schemaId = WireFormat.schemaId(serializer.serialize(topic, valid("probe")));
    }

    /** The kinds that cost megabytes each (near and over a megabyte, huge prompts): at most bigMax of each. */
    private static final Set<Integer> BIG_KINDS = Set.of(8, 9, 18);
    private static final int KINDS = 22;

    /** {@code n} bad records, the kinds taken in turn. */
    List<Bad> generate(int n, int bigMax) {
        List<Bad> out = new ArrayList<>(n);
        int[] made = new int[KINDS];
        for (int i = 0; out.size() < n; i++) {
            int kind = i % KINDS;
            if (BIG_KINDS.contains(kind) && made[kind] >= bigMax) {
                continue;
            }
            made[kind]++;
            out.add(make(kind));
        }
        return out;
    }

    private Bad make(int kind) {
        String id = "fuzz-" + next++;
        byte[] key = random.nextInt(3) == 0 ? null : ("k" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
        byte[] good = serializer.serialize(topic, valid(id));
        return switch (kind) {
            case 0 -> dead("random_bytes", key, randomBytes(random.nextInt(200)), UNDECODABLE);
            case 1 -> {
                byte[] v = good.clone();
                v[0] = (byte) (1 + random.nextInt(255));
                yield dead("wrong_magic", key, v, Set.of(WIRE_FORMAT));
            }
            case 2 -> {
                byte[] v = good.clone();
                WireFormat.writeHeader(v, 0x7000_0000 + random.nextInt(1 << 20));
                yield dead("unknown_schema_id", key, v, Set.of(SCHEMA_NOT_FOUND));
            }
            case 3 -> dead("truncated_avro", key, Arrays.copyOf(good, WireFormat.HEADER_LENGTH + 1 + random.nextInt(good.length - WireFormat.HEADER_LENGTH - 1)),
                    Set.of(AVRO_DECODE, DECODE_LIMIT));
            case 4 -> dead("trailing_bytes", key, Arrays.copyOf(good, good.length + 1 + random.nextInt(16)), Set.of(AVRO_DECODE));
            case 5 -> dead("huge_array", key, framed(e -> {
                header(e);
                e.writeIndex(1);
                e.writeArrayStart();
                e.setItemCount(Integer.MAX_VALUE - 8 - random.nextInt(1000));
            }), Set.of(DECODE_LIMIT));
            case 6 -> dead("huge_string", key, framed(e -> e.writeLong((1L << 30) + random.nextInt(1000))), Set.of(DECODE_LIMIT));
            case 7 -> dead("string_beyond_bytes", key, framed(e -> e.writeLong(100_000 + random.nextInt(900_000))), Set.of(AVRO_DECODE));
            case 8 -> {
                byte[] v = randomBytes(1_040_000 + random.nextInt(8_000));
                System.arraycopy(good, 0, v, 0, WireFormat.HEADER_LENGTH);
                v[WireFormat.HEADER_LENGTH] = 0x7f;
                yield dead("near_one_megabyte", key, v, Set.of(AVRO_DECODE));
            }
            case 9 -> {
                byte[] v = randomBytes(2_200_000 + random.nextInt(100_000));
                System.arraycopy(good, 0, v, 0, WireFormat.HEADER_LENGTH);
                yield dead("over_decode_limit", key, v, Set.of(DECODE_LIMIT));
            }
            case 10 -> dead("bad_tenant", key, serializer.serialize(topic, withTenant(valid(id), pick("", "../acme", "a b", "x".repeat(150), "acme/../globex", "ümlaut"))),
                    Set.of(NO_TENANT));
            case 11 -> dead("empty_request_id", key, serializer.serialize(topic, withId(valid(id), "")), Set.of(NO_REQUEST_ID));
            case 12 -> error("bad_adapter_id", key, id, withAdapter(valid(id), pick("", "../../etc/passwd", "a/b", ".hidden", "-x", "y".repeat(200), "ad-00/../ad-01")),
                    "invalid_adapter_id");
            case 13 -> error("unknown_adapter", key, id, withAdapter(valid(id), "no-such-adapter-" + random.nextInt(100)), "unknown_adapter");
            case 14 -> error("absurd_max_tokens", key, id, withMaxTokens(valid(id), Integer.MAX_VALUE - random.nextInt(1000)),
                    "prompt_too_long", "invalid_sampling");
            case 15 -> error("non_positive_max_tokens", key, id, withMaxTokens(valid(id), -random.nextInt(1000)), "invalid_sampling");
            case 16 -> error("nan_temperature", key, id, withTemperature(valid(id), Float.NaN), "invalid_sampling");
            case 17 -> error("both_prompt_and_messages", key, id, withMessages(valid(id)), "invalid_prompt");
            case 18 -> error("huge_prompt", key, id, withPrompt(valid(id), "word ".repeat(20_000 + random.nextInt(20_000))), "prompt_too_long");
            case 19 -> {
                RecordHeaders headers = new RecordHeaders();
                for (int h = 0; h < 40; h++) {
                    headers.add("h" + h, randomBytes(5_000));
                }
                byte[] v = good.clone();
                v[0] = 9;
                yield new Bad("huge_headers", key, v, headers, null, Set.of(WIRE_FORMAT), null);
            }
            case 20 -> dead("tombstone", key, null, Set.of(TOMBSTONE));
            default -> dead("empty_value", key, new byte[0], Set.of(WIRE_FORMAT));
        };
    }

    private Bad dead(String kind, byte[] key, byte[] value, Set<DeadLetterCode> codes) {
        return new Bad(kind, key, value, null, null, codes, null);
    }

    private Bad error(String kind, byte[] key, String id, PromptRequest request, String... codes) {
        return new Bad(kind, key, serializer.serialize(topic, request), null, id, null, Set.of(codes));
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private PromptRequest valid(String id) {
        String adapter = adapters.get(random.nextInt(adapters.size()));
        return Workload.request(id, "fuzz", Workload.TENANTS.get(random.nextInt(Workload.TENANTS.size())), adapter, "hi", 2, 0f);
    }

    private static PromptRequest withTenant(PromptRequest r, String tenant) {
        r.setTenantId(tenant);
        return r;
    }

    private static PromptRequest withId(PromptRequest r, String id) {
        r.setRequestId(id);
        return r;
    }

    private static PromptRequest withAdapter(PromptRequest r, String adapter) {
        r.setAdapterId(adapter);
        return r;
    }

    private static PromptRequest withMaxTokens(PromptRequest r, int maxTokens) {
        r.setSampling(SamplingParams.newBuilder(r.getSampling()).setMaxTokens(maxTokens).build());
        return r;
    }

    private static PromptRequest withTemperature(PromptRequest r, float temperature) {
        r.setSampling(SamplingParams.newBuilder(r.getSampling()).setTemperature(temperature).build());
        return r;
    }

    private static PromptRequest withMessages(PromptRequest r) {
        r.setMessages(List.of(new ChatMessage("user", "hello")));
        return r;
    }

    private static PromptRequest withPrompt(PromptRequest r, String prompt) {
        r.setPrompt(prompt);
        return r;
    }

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private byte[] framed(Writes writes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writes.to(encoder);
            encoder.flush();
            return WireFormat.frame(schemaId, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void header(BinaryEncoder encoder) throws IOException {
        encoder.writeString("r-1");
        encoder.writeString("job-1");
        encoder.writeString("acme");
        encoder.writeIndex(0);
        encoder.writeIndex(0);
    }
}
