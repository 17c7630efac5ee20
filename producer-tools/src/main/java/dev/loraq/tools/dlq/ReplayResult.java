package dev.loraq.tools.dlq;

import java.util.List;
import java.util.Map;

/**
 * What a replay did (or, in a dry run, would do).
 *
 * @param replayed the letters published (or to be published), in publishing order
 * @param skipped one line per letter left out, naming it and why
 * @param perTopic number of records per target topic
 * @param dryRun true when nothing was published
 */
public record ReplayResult(List<DeadLetterEntry> replayed, List<String> skipped, Map<String, Integer> perTopic, boolean dryRun) {

    public ReplayResult {
        replayed = List.copyOf(replayed);
        skipped = List.copyOf(skipped);
        perTopic = Map.copyOf(perTopic);
    }
}
