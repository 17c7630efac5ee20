package dev.loraq.engine.backend;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

import dev.loraq.engine.config.BackendType;

/**
 * The backends the backend tests ({@link EveryBackend}, {@link EveryBackendTest}) run on: every
 * {@link ComputeBackendProvider} that {@link java.util.ServiceLoader} finds on the test class path, so a backend module
 * that puts itself and this module's test-jar there runs the same assertions. {@code -Dloraq.test.backends=cuda}
 * (comma-separated) narrows the run to the named ones, and fails when one of them is missing.
 */
public final class TestBackends {
    public static final String SELECT_PROPERTY = "loraq.test.backends";

    private TestBackends() {
    }

    /** The providers as JUnit arguments, each named by its backend ("cpu"). */
    public static Stream<Arguments> providers() {
        BackendProviders present = BackendProviders.onClassPath();
        String selected = System.getProperty(SELECT_PROPERTY, "").strip();
        List<ComputeBackendProvider> providers = selected.isEmpty() ? present.all()
                : Arrays.stream(selected.split(",")).map(String::strip)
                        .map(name -> present.require(BackendType.valueOf(name.toUpperCase(Locale.ROOT)))).toList();
        return providers.stream().map(p -> Arguments.of(Named.of(p.type().configValue(), p)));
    }
}
