package dev.loraq.service.consumer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's MockProducer with two things of a real broker: its record size limit (a larger record's send fails in its
 * callback and the transaction then cannot commit, as with a real transactional producer, until it is aborted), and
 * a commit that takes time: held, when asked, until the test releases it.
 */
final class BrokerLikeProducer extends MockProducer<byte[], byte[]> {

    private final int maxRecordBytes;
    private KafkaException sendFailure;
    private volatile CountDownLatch commitsHeld;
    private final CountDownLatch commitArrived = new CountDownLatch(1);

    BrokerLikeProducer(int maxRecordBytes) {
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

    /** Holds every commitTransaction from now on until the returned latch is counted down. */
    CountDownLatch holdCommits() {
        commitsHeld = new CountDownLatch(1);
        return commitsHeld;
    }

    /** Waits until a commitTransaction has been called (and is being held). */
    void awaitCommitCalled() throws InterruptedException {
        if (!commitArrived.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no commitTransaction within 10 s");
        }
    }

    @Override
    public void commitTransaction() {
        commitArrived.countDown();
        CountDownLatch held = commitsHeld;
        if (held != null) {
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
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
