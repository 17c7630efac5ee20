package dev.loraq.stack.junit;

import dev.loraq.stack.EmbeddedLocalStack;
import dev.loraq.stack.LocalStack;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which {@link LocalStack} tests get, chosen by the system property {@value #PROPERTY}. */
public enum LocalStackKind {
    /** In-process KRaft broker and Apicurio child JVM; needs no Docker. The default. */
    EMBEDDED,
    /** Docker containers through Testcontainers; needs a Docker engine and org.testcontainers:kafka. */
    TESTCONTAINERS;

    public static final String PROPERTY = "loraq.test.stack";

    /** The kind named by {@value #PROPERTY}, {@link #EMBEDDED} when it is unset. */
    public static LocalStackKind fromSystemProperties() {
        String value = System.getProperty(PROPERTY, "embedded").trim();
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + "=" + value + " is not one of "
                    + Arrays.stream(values()).map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")), e);
        }
    }

    LocalStack start() {
        return switch (this) {
            case EMBEDDED -> EmbeddedLocalStack.start();
            case TESTCONTAINERS -> startContainers();
        };
    }

    private static LocalStack startContainers() {
        try {
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, LocalStackKind.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(PROPERTY + "=testcontainers needs org.testcontainers:kafka on the test "
                    + "classpath (an optional dependency of loraq-local-stack; add it with test scope)", e);
        }
        // Only touched once the classes are known to be there.
        return dev.loraq.stack.container.ContainerLocalStack.start();
    }
}
