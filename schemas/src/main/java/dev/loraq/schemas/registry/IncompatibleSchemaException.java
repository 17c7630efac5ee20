package dev.loraq.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/** The registry refused a schema because it breaks the subject's compatibility rule (409). */
public class IncompatibleSchemaException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final String subject;
    private final String registryMessage;

    public IncompatibleSchemaException(String subject, String registryMessage) {
        super("Schema rejected as incompatible for subject '" + subject + "': " + registryMessage);
        this.subject = subject;
        this.registryMessage = registryMessage;
    }

    public String subject() {
        return subject;
    }

    /** The registry's own explanation, verbatim. */
    public String registryMessage() {
        return registryMessage;
    }
}
