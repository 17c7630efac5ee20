package dev.loraq.ops.pipelinebench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of HotSpot's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre"), read from /proc/self/task. The
 * JMX compilation time is elapsed time, which on two busy cores can exceed what the process spent: subtracting it
 * from the process's CPU gave negative figures.
 */
final class CompilerThreadsCpu {

    /** USER_HZ, the unit of utime and stime in /proc; 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;
    private static final Path TASKS = Path.of("/proc/self/task");

    private CompilerThreadsCpu() {
    }

    /** The compiler threads' user and system CPU in ms, or -1 where /proc cannot be read. */
    static long ms() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                ticks += compilerTicks(task);
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private static long compilerTicks(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open || !stat.substring(open + 1, close).contains("CompilerThre")) {
                return 0;
            }
            // After the name: state is field 3, utime field 14 and stime field 15.
            String[] fields = stat.substring(close + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended while we listed it
        }
    }
}
