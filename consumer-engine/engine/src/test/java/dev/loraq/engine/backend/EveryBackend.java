package dev.loraq.engine.backend;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a whole test class once per backend present ({@link TestBackends#providers()}); the class takes the
 * {@link ComputeBackendProvider} in its constructor. Tagged {@value #TAG}, which a backend module selects.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedClass(name = "[{0}]")
@MethodSource("dev.loraq.engine.backend.TestBackends#providers")
@Tag(EveryBackend.TAG)
public @interface EveryBackend {
    /** The JUnit tag of every test that runs over the backends. */
    String TAG = "backend";
}
