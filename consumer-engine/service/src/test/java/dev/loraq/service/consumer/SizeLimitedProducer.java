package dev.loraq.service.consumer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's MockProducer with the broker's record size limit: a larger record's send fails in its callback and the
 * transaction then cannot commit, as with a real transactional producer, until it is aborted.
 */
final class SizeLimitedProducer extends MockProducer<byte[], byte[]> {

    private final int maxRecordBytes;
    private KafkaException sendFailure;

    SizeLimitedProducer(int maxRecordBytes) {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (record.value() != null && record.value().length > maxRecordBytes) {
            RecordTooLargeException tooLarge = new RecordTooLargeException("The message is " + record.value().length
                    + " bytes when serialized which is larger than " + maxRecordBytes);
            sendFailure = new KafkaException("Cannot execute transactional method because we are in an error state", tooLarge);
            callback.onCompletion(null, tooLarge);
            return CompletableFuture.failedFuture(tooLarge);
        }
        return super.send(record, callback);
    }

    @Override
    public void commitTransaction() {
        if (sendFailure != null) {
            throw sendFailure;
        }
        super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        super.abortTransaction();
        sendFailure = null;
    }
}
