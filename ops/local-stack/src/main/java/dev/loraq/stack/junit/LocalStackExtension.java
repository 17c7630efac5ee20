package dev.loraq.stack.junit;

import dev.loraq.stack.LocalStack;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tests one shared {@link LocalStack} (Kafka broker + schema registry) per test JVM: started on first use,
 * shared by all test classes, closed when the JUnit run ends (root context store) or, failing that, by a JVM
 * shutdown hook. Use {@code @ExtendWith(LocalStackExtension.class)} and take a {@link LocalStack} parameter
 * (constructor, lifecycle or test method) or call {@link #stack()}. The system property
 * {@value LocalStackKind#PROPERTY} chooses the implementation ({@code embedded}, the default, or {@code testcontainers}).
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStackExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    private static LocalStack shared;
    private static Thread shutdownHook;

    /** The shared stack, started on the first call. */
    public static synchronized LocalStack stack() {
        if (shared == null) {
            LocalStackKind kind = LocalStackKind.fromSystemProperties();
            long startNanos = System.nanoTime();
            LocalStack started = kind.start();
            LOG.info("shared local stack started kind={} bootstrap.servers={} schema.registry.url={} startupMs={}",
                    kind, started.bootstrapServers(), started.registryUrl(), (System.nanoTime() - startNanos) / 1_000_000);
            shutdownHook = new Thread(started::close, "local-stack-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            shared = started;
        }
        return shared;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        register(context);
        stack();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        register(extensionContext);
        return stack();
    }

    private static void register(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(ClosesSharedStack.class,
                key -> new ClosesSharedStack(), ClosesSharedStack.class);
    }

    private static synchronized void closeShared() {
        if (shared == null) {
            return;
        }
        LocalStack closing = shared;
        shared = null;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook closes it; close() is idempotent.
        }
        closing.close();
        LOG.info("shared local stack closed");
    }

    /** Root-store value: JUnit closes it once, after the last test of the run. */
    private static final class ClosesSharedStack implements AutoCloseable {
        @Override
        public void close() {
            closeShared();
        }
    }
}
