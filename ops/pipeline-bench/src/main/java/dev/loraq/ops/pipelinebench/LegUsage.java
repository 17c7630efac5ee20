package dev.loraq.ops.pipelinebench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What one benchmark leg cost this JVM, beside its wall-clock time: CPU of the whole process (the engine, the
 * clients and, with the embedded stack, the broker), of it the time the JIT compiled, and GC pause time. A leg that
 * still pays for compilation, or that another process on the machine slowed, shows it here.
 *
 * @param cpuMs process CPU time, all threads
 * @param jitMs time spent compiling (CompilationMXBean: summed over compiler threads, so CPU time)
 * @param gcMs  collection time summed over the collectors
 */
record LegUsage(long cpuMs, long jitMs, long gcMs) {

    /** Process CPU without the compiler's share: what the workload itself cost. */
    double cpuMsExcludingJit() {
        return cpuMs - jitMs;
    }

    @Override
    public String toString() {
        return "cpuMs=" + cpuMs + " jitMs=" + jitMs + " gcMs=" + gcMs;
    }

    static Mark mark() {
        return new Mark(processCpuMs(), jitTotalMs(), gcTotalMs());
    }

    /** The counters at a leg's start. */
    record Mark(long cpuMs, long jitMs, long gcMs) {
        LegUsage since() {
            return new LegUsage(processCpuMs() - cpuMs, jitTotalMs() - jitMs, gcTotalMs() - gcMs);
        }
    }

    private static long processCpuMs() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1_000_000;
        }
        return 0;
    }

    private static long jitTotalMs() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long gcTotalMs() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
