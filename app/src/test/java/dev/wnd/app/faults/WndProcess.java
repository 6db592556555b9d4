package dev.wnd.app.faults;

import dev.wnd.app.Wnd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code wnd} command in a JVM of its own, as a user starts it from a shell in {@code dir} (relative paths such
 * as the default {@code .wnd} work directory resolve there): this JVM's class path, the launcher's settings (DJL
 * offline, one libtorch thread), the serial collector and a small heap so that several fit on a small machine. Its
 * output (stdout and stderr together) is kept in memory and copied to {@code target/faults/<name>.log}.
 */
final class WndProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private WndProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        Files.createDirectories(log.getParent());
        this.reader = new Thread(() -> follow(log), "wnd-process-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code wnd args...} in {@code dir}.
     *
     * @param name names the log file and failure messages
     * @param env variables added to the launcher's
     */
    static WndProcess start(String name, Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx768m", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) {
            command.add("-Dlogback.configurationFile=" + logback);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Wnd.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("PYTORCH_FLAVOR", "cpu");
        pb.environment().putAll(env);
        Files.createDirectories(dir);
        return new WndProcess(name, pb.start(), Path.of("target", "faults", name + ".log"));
    }

    /** As {@link #start(String, Path, Map, String...)} with no extra variables. */
    static WndProcess start(String name, Path dir, String... args) throws IOException {
        return start(name, dir, Map.of(), args);
    }

    /** Runs {@code wnd args...} in {@code dir} to its end, within {@code timeout}. */
    static WndProcess run(String name, Path dir, Duration timeout, String... args) throws Exception {
        WndProcess p = start(name, dir, args);
        if (!p.waitFor(timeout)) {
            p.close();
            throw new AssertionError(name + " did not end within " + timeout + "\n" + p.tail());
        }
        return p;
    }

    private void follow(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits for the process to end and its output to be read; false when it still runs after {@code timeout}. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(10_000);
        return true;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    String output() {
        return output.toString();
    }

    /** Waits until the output holds {@code text}; fails naming the process and its last lines otherwise. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                reader.join(5_000);
                if (output().contains(text)) {
                    return;
                }
                throw new AssertionError(name + " ended (exit " + process.exitValue() + ") without printing '"
                        + text + "'\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not print '" + text + "' within " + timeout + "\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM, as Ctrl-C or {@code docker stop}; waits for the end. */
    void stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!waitFor(timeout)) {
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM\n" + tail());
        }
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(5_000);
    }

    /** The last 60 lines of output, for failure messages. */
    String tail() {
        List<String> lines = output().lines().toList();
        return name + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
