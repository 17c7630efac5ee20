package dev.loraq.schemas.contract;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** The ConfigDef validator of an {@code output.topic.pattern} key: the service and the tools define theirs with it. */
public final class OutputTopicPatternValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        String problem = OutputTopicPattern.problem(value == null ? null : value.toString());
        if (problem != null) {
            throw new ConfigException(name, value, "the pattern " + problem);
        }
    }

    @Override
    public String toString() {
        return "a topic name containing " + OutputTopicPattern.PLACEHOLDER + " once";
    }
}
