package dev.loraq.engine.tensor;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;

import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Child-JVM entry point of {@link VectorWidthsTest}: runs {@link VectorKernelsTest} at this JVM's width. */
public final class KernelTestsAtWidth {
    private KernelTestsAtWidth() {
    }

    public static void main(String[] args) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(VectorKernelsTest.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 20);
        int bits = VectorKernels.species().vectorBitSize();
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() == 0) {
            out.println("kernel tests FAILED at " + bits + " bits");
            System.exit(1);
        }
        out.println("kernel tests passed at " + bits + " bits, matmul " + NativeKernels.describe() + ": "
                + summary.getTestsSucceededCount() + " tests");
    }
}
