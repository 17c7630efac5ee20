package dev.loraq.service.consumer;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.service.output.DeadLetters;
import dev.loraq.service.output.OutputRecords;
import dev.loraq.service.output.OutputTopics;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pending output becomes when it is sent: a smaller stand-in once the broker has refused it as too large, so
 * the record it answers cannot stall its partition, and a dead letter with the original record for a completion
 * whose tenant topic is missing while auto-creation is off. Used on the committer thread only.
 */
final class OutputStandIns {

    private static final Logger LOG = LoggerFactory.getLogger(OutputStandIns.class);

    private final OutputTopics topics;
    private final DeadLetters deadLetters;
    private final OutputRecords outputRecords;
    private final String dlqTopic;
    /** Sources whose output a broker refused as too large: their next attempt writes a smaller stand-in. */
    private final Set<SourceOffset> tooLarge = new HashSet<>();

    OutputStandIns(OutputTopics topics, DeadLetters deadLetters, OutputRecords outputRecords, String dlqTopic) {
        this.topics = topics;
        this.deadLetters = deadLetters;
        this.outputRecords = outputRecords;
        this.dlqTopic = dlqTopic;
    }

    /** The output to send for this one, its topic made sure of. Throws KafkaException when the cluster cannot be asked. */
    PendingOutput toSend(PendingOutput output) {
        if (tooLarge.contains(new SourceOffset(output.source(), output.sourceOffset()))) {
            output = shrunk(output);
        }
        if (output.value() instanceof Completion && !topics.ensure(output.topic())) {
            // The original record goes to the dead-letter topic, from where it can be replayed once the topic exists.
            ConsumerRecord<byte[], byte[]> source = output.origin().record();
            DeadLetter letter = deadLetters.outputTopicMissing(source, output.topic(), new String(output.key(), StandardCharsets.UTF_8));
            output = new PendingOutput(dlqTopic, DeadLetters.kafkaKey(source), letter, output.source(), output.sourceOffset(),
                    output.origin());
        }
        if (output.value() instanceof DeadLetter) {
            topics.ensure(dlqTopic);
        }
        return output;
    }

    /** The broker refused these sources' outputs as too large in an aborted transaction. */
    void refusedAsTooLarge(Collection<SourceOffset> sources) {
        tooLarge.addAll(sources);
    }

    /** These outputs were committed: their sources are done. */
    void committed(Collection<PendingOutput> outputs) {
        for (PendingOutput output : outputs) {
            tooLarge.remove(new SourceOffset(output.source(), output.sourceOffset()));
        }
    }

    /** An error completion without text, or a dead letter without value and headers. */
    private PendingOutput shrunk(PendingOutput output) {
        String reason = "the output for " + output.source() + "@" + output.sourceOffset() + " was refused by the broker as too large";
        if (output.value() instanceof Completion completion && output.origin() != null) {
            Completion error = outputRecords.errorCompletion(output.origin().request(), "output_too_large", "The completion of request "
                    + completion.getRequestId() + " is larger than the pipeline can write; lower max_tokens");
            LOG.warn("replacing a too large completion by an error requestId={} source={}@{}", completion.getRequestId(),
                    output.source(), output.sourceOffset());
            return new PendingOutput(output.topic(), output.key(), error, output.source(), output.sourceOffset(), output.origin());
        }
        if (output.value() instanceof DeadLetter letter) {
            LOG.warn("replacing a too large dead letter by one without value and headers source={}@{}", output.source(), output.sourceOffset());
            return new PendingOutput(output.topic(), output.key(), deadLetters.withoutValue(letter, reason), output.source(),
                    output.sourceOffset(), output.origin());
        }
        return output;
    }
}
