package dev.loraq.reliability;

import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.contract.DeadLetterCode;
import dev.loraq.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Generated bad values on the prompts topic (random bytes, wrong magic, unknown schema ids, truncated and "
                + "trailing Avro, declared huge arrays and strings, values near and over 1 MB, bad tenant and adapter ids, path "
                + "traversal, absurd max_tokens, huge prompts and headers, tombstones, null keys) mixed with a real job: every bad "
                + "record accounted for exactly once with its reason, the job complete, no crash, memory flat.")
final class FuzzScenario extends Scenario {

    FuzzScenario() {
        super("fuzz", "fuzz", ModelPreset.TINY, 4, false);
    }

    @Option(names = "--bad", defaultValue = "10000", description = "Bad records. Default: ${DEFAULT-VALUE}.")
    int bad;

    @Option(names = "--big", defaultValue = "10", description = "At most this many of each megabyte-sized kind. Default: ${DEFAULT-VALUE}.")
    int big;

    @Option(names = "--good", defaultValue = "300", description = "Good requests of the real job. Default: ${DEFAULT-VALUE}.")
    int good;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generator. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    boolean run(Workload workload, CompletionLedger ledger, Figures figures) throws Exception {
        EngineProcess engine = EngineProcess.start(workload, "w1", "1g", Map.of());
        MemorySampler memory = new MemorySampler(engine);
        Map<String, String> job = new HashMap<>(workload.produceJob("good-a", good / 2, 3, 0f));
        List<BadValues.Bad> values;
        List<RecordMetadata> sent;
        try (AvroSerializer<PromptRequest> serializer = workload.serializer()) {
            values = new BadValues(seed, serializer, workload.inputTopic(), workload.adapters()).generate(bad, big);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(values.size());
            for (BadValues.Bad value : values) {
                records.add(new ProducerRecord<>(workload.inputTopic(), null, value.key(), value.value(), value.headers()));
            }
            sent = workload.send(records);
        }
        job.putAll(workload.produceJob("good-b", good - good / 2, 3, 0f));
        boolean complete = ledger.awaitCount(job.size() + values.size(), Duration.ofMinutes(15));
        Thread.sleep(3000);
        memory.close();
        boolean alive = engine.isAlive();
        int exit = engine.stop();

        Map<String, Integer> byKind = new TreeMap<>();
        Map<String, Integer> byCode = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        int accounted = 0;
        for (int i = 0; i < values.size(); i++) {
            BadValues.Bad value = values.get(i);
            byKind.merge(value.kind(), 1, Integer::sum);
            String problem;
            if (value.expectsDeadLetter()) {
                RecordMetadata at = sent.get(i);
                List<DeadLetter> letters = ledger.deadLetters().getOrDefault(at.partition() + "@" + at.offset(), List.of());
                problem = letters.size() != 1 ? letters.size() + " dead letters"
                        : !DeadLetterCode.of(letters.get(0).getErrorCode()).map(value.deadLetterCodes()::contains).orElse(false)
                        ? "code " + letters.get(0).getErrorCode() : null;
                letters.forEach(l -> byCode.merge("dlq:" + l.getErrorCode(), 1, Integer::sum));
            } else {
                List<CompletionLedger.Seen> seen = ledger.completions().getOrDefault(value.requestId(), List.of());
                problem = seen.size() != 1 ? seen.size() + " completions"
                        : !value.errorCodes().contains(seen.get(0).code()) ? "code " + seen.get(0).code() : null;
                seen.forEach(s -> byCode.merge("error:" + s.code(), 1, Integer::sum));
            }
            if (problem == null) {
                accounted++;
            } else if (wrong.size() < 10) {
                wrong.add(value.kind() + " #" + i + ": " + problem);
            }
        }
        CompletionLedger.Accounting goodJob = ledger.account(job);
        figures.put("bad_records", values.size()).put("accounted_exactly_once", accounted)
                .put("good_requests", goodJob.expected()).put("good_lost", goodJob.lost())
                .put("good_duplicated", goodJob.duplicated()).put("good_cross_tenant", goodJob.crossTenant())
                .put("complete", complete).put("engine_alive", alive).put("exit_status_after_sigterm", exit);
        memory.report(figures);
        byKind.forEach((k, v) -> figures.root.with("kinds").put(k, v));
        byCode.forEach((k, v) -> figures.root.with("outcomes").put(k, v));
        figures.list("mismatches", wrong);
        return accounted == values.size() && goodJob.exact() && complete && alive;
    }
}
