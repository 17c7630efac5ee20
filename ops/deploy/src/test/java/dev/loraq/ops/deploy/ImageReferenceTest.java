package dev.loraq.ops.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void shouldAcceptVersionTagsAndDigests() {
        assertNull(ImageReference.unpinnedReason("apache/kafka:4.4.0"));
        assertNull(ImageReference.unpinnedReason("prom/prometheus:v3.5.0"));
        assertNull(ImageReference.unpinnedReason("eclipse-temurin:25.0.3_9-jre"));
        assertNull(ImageReference.unpinnedReason("registry.example.com:5000/loraq-engine:0.1.0-SNAPSHOT"));
        assertNull(ImageReference.unpinnedReason("grafana/grafana@sha256:0123456789abcdef"));
    }

    @Test
    void shouldRejectMissingLatestAndFloatingTags() {
        assertEquals("no tag (means latest)", ImageReference.unpinnedReason("apache/kafka"));
        assertEquals("no tag (means latest)", ImageReference.unpinnedReason("registry.example.com:5000/loraq-engine"));
        assertEquals("tag latest", ImageReference.unpinnedReason("grafana/grafana:latest"));
        assertEquals("tag '25-jdk' is not a version (e.g. 4.4.0)", ImageReference.unpinnedReason("eclipse-temurin:25-jdk"));
    }
}
