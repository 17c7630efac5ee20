package dev.loraq.ops.pipelinebench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What one benchmark leg cost this JVM, beside its wall-clock time: CPU of the whole process (the engine, the
 * clients and, with the embedded stack, the broker), of it the time the JIT compiled, and GC pause time. A leg that
 * still pays for compilation, or that another process on the machine slowed, shows it here.
 *
 * @param cpuMs         process CPU time, all threads
 * @param jitMs         time spent compiling (CompilationMXBean: elapsed time summed over compilations, so on a loaded
 *                      machine it counts time a compiler thread waited for a core and can exceed the process's CPU)
 * @param compilerCpuMs CPU time of the JIT compiler threads (Linux /proc), -1 where that cannot be read
 * @param gcMs          collection time summed over the collectors
 */
record LegUsage(long cpuMs, long jitMs, long compilerCpuMs, long gcMs) {

    /** Process CPU without the compiler's share: what the workload itself cost. */
    double cpuMsExcludingJit() {
        long compiler = compilerCpuMs >= 0 ? compilerCpuMs : jitMs;
        return cpuMs - Math.min(compiler, cpuMs);
    }

    @Override
    public String toString() {
        return "cpuMs=" + cpuMs + " jitMs=" + jitMs + " compilerCpuMs=" + compilerCpuMs + " gcMs=" + gcMs;
    }

    static Mark mark() {
        return new Mark(processCpuMs(), jitTotalMs(), CompilerThreadsCpu.ms(), gcTotalMs());
    }

    /** The counters at a leg's start. */
    record Mark(long cpuMs, long jitMs, long compilerCpuMs, long gcMs) {
        LegUsage since() {
            long compilerNow = CompilerThreadsCpu.ms();
            // A compiler thread that exited during the leg takes its CPU with it: clamp rather than go negative.
            long compiler = compilerNow < 0 || compilerCpuMs < 0 ? -1 : Math.max(0, compilerNow - compilerCpuMs);
            return new LegUsage(processCpuMs() - cpuMs, jitTotalMs() - jitMs, compiler, gcTotalMs() - gcMs);
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
