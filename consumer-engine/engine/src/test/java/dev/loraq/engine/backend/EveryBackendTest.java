package dev.loraq.engine.backend;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs one test method once per backend present ({@link TestBackends#providers()}); the method takes the
 * {@link ComputeBackendProvider} as its parameter. Tagged {@value EveryBackend#TAG} like {@link EveryBackend}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "[{0}]")
@MethodSource("dev.loraq.engine.backend.TestBackends#providers")
@Tag(EveryBackend.TAG)
public @interface EveryBackendTest {
}
