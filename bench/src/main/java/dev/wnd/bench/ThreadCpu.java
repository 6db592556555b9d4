package dev.wnd.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * CPU time of this JVM's threads between two points, summed per thread role, for the benches that run the broker,
 * the clients and a stage in one JVM: where the cores went, which sampling profilers misreport (JFR samples Java
 * frames only, so libtorch's native time and the JIT compiler's threads do not show).
 *
 * <p>Java threads are grouped by name with ids, numbers and UUIDs masked ({@code wnd-scorer-*-StreamThread-N});
 * what the process used beyond its Java threads (the JIT compiler, the garbage collector, the VM) is one group,
 * {@value #JVM_INTERNAL}. A thread that ends between the two points is not counted. The process's time may come
 * in clock ticks (10 ms) where the threads' comes in nanoseconds: meant for windows of seconds.
 */
final class ThreadCpu {

    /** The group of the process's CPU time outside its Java threads. */
    static final String JVM_INTERNAL = "jvm (JIT compiler, GC, VM threads)";

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final long wallNanos;
    private final long processNanos;
    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> threadNames;

    private ThreadCpu(long wallNanos, long processNanos, Map<Long, Long> threadNanos, Map<Long, String> names) {
        this.wallNanos = wallNanos;
        this.processNanos = processNanos;
        this.threadNanos = threadNanos;
        this.threadNames = names;
    }

    /** The CPU times now, or a snapshot without thread times where the JVM cannot measure them. */
    static ThreadCpu now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        if (threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled()) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    nanos.put(info.getThreadId(), cpu);
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
        }
        return new ThreadCpu(System.nanoTime(), processCpuNanos(), nanos, names);
    }

    /** CPU seconds used until this snapshot by the threads alive then whose name contains {@code part}. */
    double secondsOfThreadsNamed(String part) {
        long nanos = 0;
        for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
            if (threadNames.get(e.getKey()).contains(part)) {
                nanos += e.getValue();
            }
        }
        return nanos / 1e9;
    }

    /** How many of the threads alive at this snapshot have a name that {@code name} accepts. */
    int threadsNamed(Predicate<String> name) {
        return (int) threadNames.values().stream().filter(name).count();
    }

    /**
     * CPU seconds used so far by this process's native threads (threads the JVM does not know, such as RocksDB's
     * flushes and compactions, {@code rocksdb:low} and {@code rocksdb:high}) whose OS name starts with
     * {@code prefix}; read from {@code /proc/self/task} (Linux), 0 where that cannot be read. A thread that has ended
     * is not counted.
     */
    static double secondsOfOsThreadsNamed(String prefix) {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return 0;
        }
        long nanos = 0;
        try (DirectoryStream<Path> each = Files.newDirectoryStream(tasks)) {
            for (Path task : each) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
                        nanos += osThreadNanos(task);
                    }
                } catch (IOException | UncheckedIOException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return nanos / 1e9;
    }

    /** A task's CPU time: nanoseconds from {@code schedstat} where the kernel keeps it, else clock ticks from stat. */
    private static long osThreadNanos(Path task) throws IOException {
        Path schedstat = task.resolve("schedstat");
        if (Files.isReadable(schedstat)) {
            return Long.parseLong(Files.readString(schedstat).strip().split(" ")[0]);
        }
        return statTicks(Files.readString(task.resolve("stat"))) * 10_000_000L;
    }

    /**
     * User plus system CPU time, in clock ticks (USER_HZ: 100 per second on Linux), of a {@code /proc/PID/stat} line:
     * its fields 14 and 15, counted after the command name, which is in parentheses and may hold spaces and
     * parentheses itself.
     */
    static long statTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        // fields[0] is field 3 (the state), so utime (14) and stime (15) are fields[11] and fields[12]
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** A thread's role: its name with UUIDs and numbers masked. */
    static String group(String threadName) {
        return NUMBER.matcher(UUID.matcher(threadName).replaceAll("*")).replaceAll("N");
    }

    /**
     * Cores used per group from {@code earlier} to this snapshot (CPU seconds per wall-clock second), the
     * {@code top} largest groups in descending order, then {@code other threads} and {@code total} (the process).
     */
    Map<String, Double> coresSince(ThreadCpu earlier, int top) {
        double seconds = (wallNanos - earlier.wallNanos) / 1e9;
        Map<String, Long> byGroup = new HashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
            Long before = earlier.threadNanos.get(e.getKey());
            if (before == null) {
                continue; // started in between: its time before the window is unknown
            }
            long used = Math.max(0, e.getValue() - before);
            byGroup.merge(group(threadNames.get(e.getKey())), used, Long::sum);
            javaThreads += used;
        }
        long process = processNanos - earlier.processNanos;
        if (processNanos >= 0 && earlier.processNanos >= 0) {
            byGroup.put(JVM_INTERNAL, Math.max(0, process - javaThreads));
        }
        List<Map.Entry<String, Long>> sorted = byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
        Map<String, Double> out = new LinkedHashMap<>();
        long shown = 0;
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            out.put(e.getKey(), round(e.getValue() / 1e9 / seconds));
            shown += e.getValue();
        }
        long all = sorted.stream().mapToLong(Map.Entry::getValue).sum();
        out.put("other threads", round((all - shown) / 1e9 / seconds));
        out.put("total", round((processNanos >= 0 ? process : all) / 1e9 / seconds));
        return out;
    }

    private static double round(double cores) {
        return Math.round(cores * 1000) / 1000.0;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
