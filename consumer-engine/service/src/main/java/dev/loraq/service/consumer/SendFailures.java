package dev.loraq.service.consumer;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failed sends of one transaction, reported by the producer's callbacks (its I/O thread). The first failure is
 * logged with the coordinates of the input record it answers: once a send fails the transaction is in an error state
 * and commitTransaction only says "Cannot execute transactional method because we are in an error state".
 */
final class SendFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SendFailures.class);

    private final List<SourceOffset> tooLarge = new ArrayList<>();
    private int count;

    synchronized void failed(PendingOutput output, String topic, int bytes, Exception error) {
        if (error == null) {
            return;
        }
        count++;
        SourceOffset source = new SourceOffset(output.source(), output.sourceOffset());
        if (error instanceof RecordTooLargeException) {
            tooLarge.add(source);
        }
        if (count == 1) {
            LOG.error("send failed topic={} bytes={} source={} output={}: {}", topic, bytes, source,
                    output.value().getClass().getSimpleName(), error.toString());
        } else {
            LOG.debug("send failed topic={} bytes={} source={}: {}", topic, bytes, source, error.toString());
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized List<SourceOffset> tooLarge() {
        return List.copyOf(tooLarge);
    }
}
