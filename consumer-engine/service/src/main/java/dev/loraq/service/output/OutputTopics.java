package dev.loraq.service.output;

/** Makes sure an output topic exists before anything is written to it ({@link TopicProvisioner} against the cluster). */
@FunctionalInterface
public interface OutputTopics {

    /**
     * Whether the topic exists (after creating it when allowed); false only when it is missing and may not be
     * created. Throws {@link org.apache.kafka.common.KafkaException} when the cluster cannot be asked.
     */
    boolean ensure(String topic);
}
