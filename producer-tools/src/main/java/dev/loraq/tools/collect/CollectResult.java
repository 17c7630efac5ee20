package dev.loraq.tools.collect;

import java.util.List;

/**
 * What a collect run found.
 *
 * @param expected request count from the job's manifest
 * @param succeeded completions with status OK written to the output
 * @param failed completions with status ERROR written to the errors output
 * @param missing request ids of the job without a completion when collecting stopped (sorted)
 * @param duplicates one line per extra completion of an already collected request (topic, partition, offset)
 */
public record CollectResult(long expected, long succeeded, long failed, List<String> missing, List<String> duplicates) {

    public boolean complete() {
        return succeeded + failed == expected;
    }
}
