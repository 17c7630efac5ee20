package dev.loraq.tools.dlq;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of reading the dead-letter topic once.
 *
 * @param matching the selected letters, ordered by source topic, partition and offset (the order they were first read in)
 * @param endOffsets per partition, the offset the read stopped at: where the next read continues without repeating
 * @param scanned letters read, matching or not
 */
public record DeadLetterScan(List<DeadLetterEntry> matching, Map<Integer, Long> endOffsets, long scanned) {

    public DeadLetterScan {
        matching = List.copyOf(matching);
        endOffsets = Map.copyOf(endOffsets);
    }

    /** {@code 0:12,1:40,2:7}: the value of {@code --from-offsets} that continues after this read. */
    public String nextFromOffsets() {
        return endOffsets.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }
}
