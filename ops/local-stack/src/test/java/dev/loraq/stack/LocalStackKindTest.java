package dev.loraq.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.stack.junit.LocalStackKind;
import org.junit.jupiter.api.Test;

class LocalStackKindTest {

    @Test
    void shouldDefaultToEmbeddedAndNameBadValues() {
        String previous = System.getProperty(LocalStackKind.PROPERTY);
        try {
            System.clearProperty(LocalStackKind.PROPERTY);
            assertEquals(LocalStackKind.EMBEDDED, LocalStackKind.fromSystemProperties());
            System.setProperty(LocalStackKind.PROPERTY, "TestContainers");
            assertEquals(LocalStackKind.TESTCONTAINERS, LocalStackKind.fromSystemProperties());
            System.setProperty(LocalStackKind.PROPERTY, "docker");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, LocalStackKind::fromSystemProperties);
            assertTrue(e.getMessage().contains("loraq.test.stack=docker") && e.getMessage().contains("embedded"), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(LocalStackKind.PROPERTY);
            } else {
                System.setProperty(LocalStackKind.PROPERTY, previous);
            }
        }
    }
}
