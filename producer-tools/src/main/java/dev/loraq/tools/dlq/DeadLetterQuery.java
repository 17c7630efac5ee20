package dev.loraq.tools.dlq;

import dev.loraq.schemas.avro.DeadLetter;
import java.time.Instant;
import java.util.Map;

/**
 * Which dead letters a command selects.
 *
 * @param code only letters with this {@code error_code}; null for every code
 * @param since only letters with {@code failed_at} at or after this instant; null for no lower bound
 * @param fromOffsets first dead-letter-topic offset to read per partition (inclusive); partitions absent from it start at
 *                    the beginning, or at {@code since} when given
 */
public record DeadLetterQuery(String code, Instant since, Map<Integer, Long> fromOffsets) {

    public DeadLetterQuery {
        fromOffsets = fromOffsets == null ? Map.of() : Map.copyOf(fromOffsets);
    }

    public boolean matches(DeadLetter letter) {
        return (code == null || code.equals(letter.getErrorCode()))
                && (since == null || !letter.getFailedAt().isBefore(since));
    }
}
